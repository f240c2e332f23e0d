"use client";

import { Download } from "lucide-react";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { qrScanUrl } from "@hop/validators";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "~/components/ui/dialog";
import { Skeleton } from "~/components/ui/skeleton";
import { qrOptions } from "./qr-options";
import type { Link } from "./types";

/** Big enough to print sharply on a flyer. */
const pngWidth = 1024;

interface QrImages {
  svg: string;
  png: string;
}

/** Saves `href` as `filename` through a temporary link, so the download works without a server round trip. */
function download(href: string, filename: string) {
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has taken the blob by now; freeing it later rather than at once is what works in every browser.
  if (href.startsWith("blob:")) setTimeout(() => URL.revokeObjectURL(href), 30_000);
}

/** A QR code of the short link, drawn in the browser, downloadable as SVG and PNG. */
export function QrCodeDialog({ link, onOpenChange }: { link: Link | null; onOpenChange: (open: boolean) => void }) {
  const [images, setImages] = useState<{ url: string; images: QrImages } | { url: string; error: string } | null>(null);
  // The QR marker makes scans their own source in analytics (trigger "qr").
  const url = link ? qrScanUrl(link.shortUrl) : null;

  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    Promise.all([QRCode.toString(url, { ...qrOptions, type: "svg" }), QRCode.toDataURL(url, { ...qrOptions, type: "image/png", width: pngWidth })])
      .then(([svg, png]) => {
        if (!cancelled) setImages({ url, images: { svg, png } });
      })
      .catch((error: unknown) => {
        if (!cancelled) setImages({ url, error: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [url]);

  const current = images && images.url === url ? images : null;
  const ready = current && "images" in current ? current.images : null;

  return (
    <Dialog open={link !== null} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-sm">
        <DialogHeader>
          <DialogTitle>QR code</DialogTitle>
          <DialogDescription className="break-all">{link?.shortUrl}</DialogDescription>
        </DialogHeader>
        <div className="mx-auto w-full max-w-64">
          {ready ? (
            // A data URL, not the SVG markup inlined: nothing generated is ever parsed into the page.
            <img
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(ready.svg)}`}
              alt={`QR code for ${link?.shortUrl ?? "the short link"}`}
              className="aspect-square w-full rounded-lg border"
              data-testid="qr-image"
            />
          ) : current && "error" in current ? (
            <Alert variant="destructive">
              <AlertDescription>The QR code could not be drawn: {current.error}</AlertDescription>
            </Alert>
          ) : (
            <Skeleton className="aspect-square w-full" />
          )}
        </div>
        <DialogFooter className="sm:justify-center">
          <Button
            variant="outline"
            disabled={!ready}
            onClick={() => ready && link && download(URL.createObjectURL(new Blob([ready.svg], { type: "image/svg+xml" })), `hop-${link.slug}.svg`)}
          >
            <Download aria-hidden="true" />
            Download SVG
          </Button>
          <Button variant="outline" disabled={!ready} onClick={() => ready && link && download(ready.png, `hop-${link.slug}.png`)}>
            <Download aria-hidden="true" />
            Download PNG
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
