-- AlterTable
ALTER TABLE "Link" ADD COLUMN     "pageTitle" TEXT;
