import type { TestUser } from './testWorld.ts';

const partnerTenant = '00000000-0000-0000-0000-0000000000001';

/** People of the demo world (data/demo-world.json), as in the Agents Playground personas. */
export const demoPeople = {
  alex: { tenantId: partnerTenant, userId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' },
  megan: { tenantId: partnerTenant, userId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' },
  lynne: { tenantId: '7d3c9a10-5b1e-4c6f-9a2d-0c1e2f3a4b01', userId: 'c1000000-0000-4000-8000-000000000001', name: 'Lynne Robbins' },
} satisfies Record<string, TestUser>;
