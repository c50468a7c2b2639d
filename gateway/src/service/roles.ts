/** The roles a gateway caller may hold; each acts through the wallet identity of the same role. */
export const ROLES = ['admin', 'auditor', 'officer'] as const;
export type Role = (typeof ROLES)[number];
