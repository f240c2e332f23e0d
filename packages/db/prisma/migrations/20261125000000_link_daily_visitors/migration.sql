-- CreateTable
CREATE TABLE "LinkDailyVisitor" (
    "linkId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "visitorHash" TEXT NOT NULL,

    CONSTRAINT "LinkDailyVisitor_pkey" PRIMARY KEY ("linkId","day","visitorHash")
);

-- AddForeignKey
ALTER TABLE "LinkDailyVisitor" ADD CONSTRAINT "LinkDailyVisitor_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "Link"("id") ON DELETE CASCADE ON UPDATE CASCADE;
