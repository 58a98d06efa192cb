import { env } from '~/env';
import { adminRouter } from '~/server/api/routers/admin';
import { billingRouter } from '~/server/api/routers/billing';
import { calendarRouter } from '~/server/api/routers/calendar';
import { commentRouter } from '~/server/api/routers/comment';
import { customerRouter } from '~/server/api/routers/customer';
import { debugRouter } from '~/server/api/routers/debug';
import { documentRouter } from '~/server/api/routers/document';
import { inventoryRouter } from '~/server/api/routers/inventory';
import { invoiceRouter } from '~/server/api/routers/invoice';
import { messageRouter } from '~/server/api/routers/message';
import { notificationRouter } from '~/server/api/routers/notification';
import { officeRouter } from '~/server/api/routers/office';
import { orderRouter } from '~/server/api/routers/order';
import { postRouter } from '~/server/api/routers/post';
import { productRouter } from '~/server/api/routers/product';
import { projectRouter } from '~/server/api/routers/project';
import { reportRouter } from '~/server/api/routers/report';
import { settingRouter } from '~/server/api/routers/setting';
import { shipmentRouter } from '~/server/api/routers/shipment';
import { supplierRouter } from '~/server/api/routers/supplier';
import { taskRouter } from '~/server/api/routers/task';
import { makeTaxonomyRouter } from '~/server/api/routers/taxonomy';
import { teamRouter } from '~/server/api/routers/team';
import { userRouter } from '~/server/api/routers/user';
import { webhookRouter } from '~/server/api/routers/webhook';
import { createCallerFactory, createTRPCRouter } from '~/server/api/trpc';

// Mounted through an object, as apps that group routers do.
const routers = { office: officeRouter, team: teamRouter };

/** The app's root router (as create-t3-app's root.ts). */
export const appRouter = createTRPCRouter({
  post: postRouter,
  comment: commentRouter,
  user: userRouter,
  project: projectRouter,
  task: taskRouter,
  invoice: invoiceRouter,
  customer: customerRouter,
  product: productRouter,
  order: orderRouter,
  inventory: inventoryRouter,
  shipment: shipmentRouter,
  supplier: supplierRouter,
  report: reportRouter,
  notification: notificationRouter,
  setting: settingRouter,
  billing: billingRouter,
  calendar: calendarRouter,
  document: documentRouter,
  message: messageRouter,
  webhook: webhookRouter,
  offices: routers.office,
  teams: routers.team,
  admin: adminRouter,
  tags: makeTaxonomyRouter('tags'),
  categories: makeTaxonomyRouter('categories'),
  labels: makeTaxonomyRouter('labels'),
  ...(env.NODE_ENV !== 'production' ? { debug: debugRouter } : {}),
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
