-- AlterTable
ALTER TABLE "Link" ADD COLUMN     "expiredAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Link_expiresAt_idx" ON "Link"("expiresAt");

-- CreateIndex
CREATE INDEX "Link_expiredAt_idx" ON "Link"("expiredAt");
