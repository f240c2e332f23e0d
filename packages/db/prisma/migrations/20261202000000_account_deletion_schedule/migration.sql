-- AlterTable
ALTER TABLE "User" ADD COLUMN "deletionScheduledFor" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "User_deletionScheduledFor_idx" ON "User"("deletionScheduledFor");
