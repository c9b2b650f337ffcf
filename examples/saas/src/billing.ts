import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

/** A workspace's invoices, newest first (the workspaceId index serves the filter). */
export function invoicesOf(workspaceId: string) {
  return prisma.invoice.findMany({ where: { workspaceId }, orderBy: { issuedAt: 'desc' } });
}

/** Revenue in one currency since a date. */
export function revenueSince(currency: string, since: Date) {
  return prisma.payment.aggregate({
    where: { currency, createdAt: { gte: since } },
    _sum: { amount: true },
  });
}

/** How many coupons a user has redeemed. */
export function redemptionCount(userId: string) {
  return prisma.redemption.count({ where: { userId } });
}
