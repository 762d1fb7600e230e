// Compile-time contract of request logging: `req.log` is prodlog's Logger on
// Express's Request and on node:http's IncomingMessage, and the middleware and
// hooks fit Express. `tsc` must accept this file: each `@ts-expect-error` line
// is an error the types must report (tsc fails on an unused one), and the
// other lines must compile.
import { createServer } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createLogger, errorLogger, requestFailed, requestLog, requestLogger, type Logger, type RequestLevel } from '../../../src';

const log = createLogger({ name: 'http-types' });
const app = express();

app.use(
  requestLogger(log, {
    ignore: ['/healthCheck', /^\/metrics$/],
    // Express's Request and Response may be declared as the hook's parameters.
    fields: (req: Request, res: Response) => ({ userId: res.locals['userId'], ip: req.ip }),
    level: (_req, res, err) => (err !== undefined ? 'error' : res.statusCode === 404 ? 'info' : undefined),
  }),
);

app.get('/orders/:id', (req, res) => {
  req.log.info('order looked up', { orderId: req.params.id });
  req.log.error(new Error('declined'), { orderId: req.params.id });
  const child: Logger = req.log.child({ orderId: req.params.id });
  void child;
  // @ts-expect-error prodlog's logger has no trace level
  req.log.trace('x');
  // @ts-expect-error prodlog's logger takes the message first
  req.log.info({ orderId: req.params.id }, 'order looked up');
  res.json({ id: req.params.id });
});

app.get('/async', async (req: Request, _res: Response) => {
  req.log.warn('slow');
  throw new Error('handler bug');
});

const api = express.Router();
api.use(requestLogger(log));
api.get('/ping', (req, res) => {
  req.log.debug('ping');
  res.send('pong');
});
api.use(errorLogger(log));
app.use('/api', api);

app.use(errorLogger(log));
app.use(errorLogger());
app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
  req.log.error('handled by the application', { err });
  if (res.headersSent) return next(err);
  res.status(500).json({ error: 'internal' });
});
app.use(errorLogger(log, { respond: true }));

// @ts-expect-error respond is a boolean
errorLogger(log, { respond: 'yes' });
// @ts-expect-error fatal is not a level of a request record: it would exit the process
requestLogger(log, { level: () => 'fatal' });
// @ts-expect-error fields is a function of the request
requestLogger(log, { fields: { tenant: 'acme' } });
// @ts-expect-error ignore takes paths and RegExps
requestLogger(log, { ignore: [404] });
// @ts-expect-error pino-http's name for fields
requestLogger(log, { customProps: () => ({}) });

const silent: RequestLevel = 'silent';
void silent;

// node:http: req.log after the request logger ran, and requestFailed in a handler that catches.
const logRequests = requestLogger(log);
createServer(async (req, res) => {
  logRequests(req, res);
  req.log.info('handling', { url: req.url });
  const same: Logger | undefined = requestLog(req);
  void same;
  try {
    await Promise.reject(new Error('database unreachable'));
  } catch (err) {
    const attached: boolean = requestFailed(req, err);
    if (!attached) log.error('request failed', { err });
    res.statusCode = 500;
    res.end();
  }
});
