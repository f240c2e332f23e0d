-- Every dimension of a click, derived at ingestion (issue 13). The visitor's
-- address is never stored: the worker reads the country from it and drops it.
ALTER TABLE "Click" ADD COLUMN "region" TEXT,
ADD COLUMN "city" TEXT,
ADD COLUMN "utmSource" TEXT,
ADD COLUMN "utmMedium" TEXT,
ADD COLUMN "utmCampaign" TEXT,
ADD COLUMN "trigger" TEXT NOT NULL DEFAULT 'link';

-- CreateTable
CREATE TABLE "ClickRollup" (
    "linkId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "isBot" BOOLEAN NOT NULL,
    "country" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT '',
    "city" TEXT NOT NULL DEFAULT '',
    "device" TEXT NOT NULL DEFAULT '',
    "browser" TEXT NOT NULL DEFAULT '',
    "os" TEXT NOT NULL DEFAULT '',
    "referrerHost" TEXT NOT NULL DEFAULT 'direct',
    "utmSource" TEXT NOT NULL DEFAULT '',
    "utmMedium" TEXT NOT NULL DEFAULT '',
    "utmCampaign" TEXT NOT NULL DEFAULT '',
    "trigger" TEXT NOT NULL DEFAULT 'link',
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ClickRollup_pkey" PRIMARY KEY ("linkId","bucket","isBot","country","region","city","device","browser","os","referrerHost","utmSource","utmMedium","utmCampaign","trigger")
);

-- CreateIndex
CREATE INDEX "ClickRollup_userId_bucket_idx" ON "ClickRollup"("userId", "bucket");

-- AddForeignKey
ALTER TABLE "ClickRollup" ADD CONSTRAINT "ClickRollup_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "Link"("id") ON DELETE CASCADE ON UPDATE CASCADE;
