-- AlterEnum
ALTER TYPE "ImportStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "Import" ADD COLUMN "skippedRows" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "fileName" TEXT,
ADD COLUMN "content" TEXT,
ADD COLUMN "options" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN "startedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Import_userId_createdAt_idx" ON "Import"("userId", "createdAt");

-- CreateTable
CREATE TABLE "ImportRow" (
    "importId" TEXT NOT NULL,
    "rowIndex" INTEGER NOT NULL,
    "linkId" TEXT,
    "error" TEXT,
    "skipped" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ImportRow_pkey" PRIMARY KEY ("importId","rowIndex")
);

-- AddForeignKey
ALTER TABLE "ImportRow" ADD CONSTRAINT "ImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "Import"("id") ON DELETE CASCADE ON UPDATE CASCADE;
