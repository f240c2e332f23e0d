"use client";

import { importFields, type ImportField, type ImportMapping, type ImportSlugTaken, maxImportChars } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { useState, type ChangeEvent } from "react";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { FormField } from "~/components/ui/form-field";
import { Input } from "~/components/ui/input";
import { Select } from "~/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { ImportProgressCard } from "./import-progress";

const fieldLabels: Record<ImportField, string> = { url: "Destination URL", slug: "Slug (short code)", title: "Title", tags: "Tags", createdAt: "Created at" };
const formatLabels: Record<string, string> = { dub: "dub export", shlink: "Shlink export", bitly: "Bitly export", custom: "Other CSV" };
const none = "__none__";

/** Upload -> mapping step (the first rows and what will happen to each) -> the import's live progress. */
export function ImportFlow() {
  const trpc = useTRPC();
  const preview = useMutation(trpc.imports.preview.mutationOptions());
  const start = useMutation(trpc.imports.start.mutationOptions());
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<ImportMapping | null>(null);
  const [onSlugTaken, setOnSlugTaken] = useState<ImportSlugTaken>("rename");
  const [importId, setImportId] = useState<string | null>(null);

  const refresh = (next: { name: string; content: string }, nextMapping: ImportMapping | null, choice: ImportSlugTaken) =>
    preview
      .mutateAsync({ fileName: next.name, content: next.content, onSlugTaken: choice, ...(nextMapping ? { mapping: nextMapping } : {}) })
      .then((result) => setMapping(result.mapping))
      .catch(() => undefined);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.currentTarget.files?.[0];
    setFileError(null);
    setMapping(null);
    setImportId(null);
    if (!chosen) return setFile(null);
    if (chosen.size > maxImportChars) return setFileError(`This file is larger than ${maxImportChars / 1024 / 1024} MB; split it and import the parts`);
    const next = { name: chosen.name, content: await chosen.text() };
    setFile(next);
    await refresh(next, null, onSlugTaken);
  };

  const changeMapping = (field: ImportField, value: string) => {
    if (!file || !mapping) return;
    const next = { ...mapping, [field]: value === none ? null : value } as ImportMapping;
    setMapping(next);
    void refresh(file, next, onSlugTaken);
  };

  const changeChoice = (choice: ImportSlugTaken) => {
    setOnSlugTaken(choice);
    if (file) void refresh(file, mapping, choice);
  };

  const begin = async () => {
    if (!file || !mapping) return;
    const created = await start.mutateAsync({ fileName: file.name, content: file.content, mapping, onSlugTaken }).catch(() => null);
    if (created) setImportId(created.id);
  };

  const data = preview.data;
  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader>
          <CardTitle>1. Choose the file</CardTitle>
          <CardDescription>Nothing is created until you start the import.</CardDescription>
        </CardHeader>
        <CardContent>
          <FormField id="import-file" label="CSV file" error={fileError ?? undefined} hint="dub, Shlink and Bitly exports are recognised by their columns.">
            <Input type="file" accept=".csv,text/csv" onChange={(event) => void onFile(event)} disabled={importId !== null} />
          </FormField>
        </CardContent>
      </Card>

      {preview.isPending ? (
        <p className="text-sm text-muted-foreground" role="status">
          Reading the file…
        </p>
      ) : null}
      {preview.error ? (
        <Alert variant="destructive">
          <AlertTitle>The file could not be read</AlertTitle>
          <AlertDescription>{describeApiError(preview.error).message}</AlertDescription>
        </Alert>
      ) : null}

      {data && mapping && file ? (
        <Card>
          <CardHeader>
            <CardTitle className="flex flex-wrap items-center gap-2">
              2. Check the mapping <Badge variant="brand">{formatLabels[data.format] ?? data.format}</Badge>
            </CardTitle>
            <CardDescription>
              {data.total.toLocaleString("en")} rows in {file.name}. The first {data.rows.length} are shown with what will happen to each.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-5">
            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {importFields.map((field) => (
                <FormField key={field} id={`map-${field}`} label={fieldLabels[field]}>
                  <Select value={mapping[field] ?? none} onChange={(event) => changeMapping(field, event.currentTarget.value)} disabled={importId !== null}>
                    {field === "url" ? null : <option value={none}>Not in this file</option>}
                    {data.headers.map((header) => (
                      <option key={header} value={header}>
                        {header}
                      </option>
                    ))}
                  </Select>
                </FormField>
              ))}
              <FormField id="slug-taken" label="When a slug is taken">
                <Select value={onSlugTaken} onChange={(event) => changeChoice(event.currentTarget.value as ImportSlugTaken)} disabled={importId !== null}>
                  <option value="rename">Create it with a generated slug</option>
                  <option value="skip">Skip the row</option>
                </Select>
              </FormField>
            </div>
            <Table containerClassName="max-w-full overflow-x-auto">
              <TableHeader>
                <TableRow>
                  <TableHead>#</TableHead>
                  <TableHead>URL</TableHead>
                  <TableHead>Slug</TableHead>
                  <TableHead>What happens</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.rows.map((row, index) => (
                  <TableRow key={`${index}-${row.cells[mapping.url] ?? ""}`} data-testid="preview-row">
                    <TableCell className="text-muted-foreground">{index + 1}</TableCell>
                    <TableCell className="max-w-56 truncate">{row.cells[mapping.url] ?? ""}</TableCell>
                    {/* The slug as it will be asked for (dub's and Bitly's short links give theirs as the last path segment). */}
                    <TableCell className="max-w-32 truncate">
                      {"slug" in row.outcome ? (row.outcome.slug ?? "generated") : mapping.slug ? (row.cells[mapping.slug] ?? "") : ""}
                    </TableCell>
                    <TableCell>
                      {row.outcome.action === "create" ? <Badge variant="success">Created</Badge> : null}
                      {row.outcome.action === "rename" ? <Badge variant="info">Slug taken: renamed</Badge> : null}
                      {row.outcome.action === "skip" ? <Badge variant="secondary">Slug taken: skipped</Badge> : null}
                      {row.outcome.action === "invalid" ? (
                        <span className="flex flex-col gap-1">
                          <Badge variant="destructive">Invalid</Badge>
                          <span className="text-xs text-muted-foreground">{row.outcome.reason}</span>
                        </span>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {start.error ? (
              <Alert variant="destructive">
                <AlertTitle>The import did not start</AlertTitle>
                <AlertDescription>{describeApiError(start.error).message}</AlertDescription>
              </Alert>
            ) : null}
            {importId ? null : (
              <div>
                <Button onClick={() => void begin()} loading={start.isPending}>
                  Import {data.total.toLocaleString("en")} rows
                </Button>
              </div>
            )}
          </CardContent>
        </Card>
      ) : null}

      {importId ? <ImportProgressCard importId={importId} /> : null}
    </div>
  );
}
