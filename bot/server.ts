import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import restify from 'restify';
import type { Services } from '../services/services.ts';
import { mountPartnerApi } from './api/partnerApi.ts';
import type { DevSignIn } from './auth/devSignIn.ts';
import type { TokenVerifier } from './auth/tokenVerifier.ts';
import type { Config } from './config.ts';
import { mountDashboard } from './dashboard/dashboardRoutes.ts';
import { ConnectorPrivateChat } from './privateChat.ts';
import { ReservationsBot } from './reservationsBot.ts';
import { activitySchema } from './http/activitySchema.ts';
import { HttpError, parseOrBadRequest } from './http/httpError.ts';
import { applyHttpLimits, defaultHttpLimits, type HttpLimits } from './http/httpLimits.ts';
import { guardedRoute, jsonBody } from './http/jsonRoute.ts';

export interface ServerOptions extends Pick<Config, 'bot'> {
  /** Checks the bearer tokens of the HTTP API and the dashboard. */
  verifier: TokenVerifier;
  /** The dashboard's development sign-in, when enabled. */
  devSignIn?: DevSignIn;
  /** Timeouts and sizes that keep a slow or hostile client from holding the server (defaults suit a bot behind Teams). */
  limits?: HttpLimits;
}

/** The wired server, not listening: the entry point listens, and tests use it on a random port. */
export function buildServer(services: Services, { bot: botConfig, verifier, devSignIn, limits = defaultHttpLimits }: ServerOptions): restify.Server {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(botConfig));
  adapter.onTurnError = onTurnError;
  const bot = new ReservationsBot(services, new ConnectorPrivateChat(adapter, botConfig.MicrosoftAppId, services));

  const server = restify.createServer({ name: 'csp-reservations-bot' });
  applyHttpLimits(server.server, limits);
  server.post(
    '/api/messages',
    guardedRoute(async (req, res) => {
      // With credentials, a request without a token cannot be the Bot Connector's: refused before its body is read,
      // and the connection ends with the answer so that the body is not read afterwards either.
      if (botConfig.MicrosoftAppId && !req.headers.authorization) {
        res.header('connection', 'close');
        throw new HttpError(401, 'UNAUTHENTICATED', 'Send the Bot Connector\'s token: an "Authorization: Bearer <token>" header.');
      }
      req.body = parseOrBadRequest(activitySchema, await jsonBody(req, limits.maxActivityBytes), 'Bot Framework activity');
      await adapter.process(req, res, (context) => bot.run(context));
    }),
  );
  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  mountPartnerApi(server, services, verifier);
  mountDashboard(server, services, { verifier, devSignIn });
  return server;
}

/** Domain refusals are answered where they happen; whatever reaches here is a fault, logged and apologised for. */
async function onTurnError(context: TurnContext, error: Error): Promise<void> {
  console.error(`[turn error] ${context.activity.type} ${context.activity.id ?? ''}:`, error);
  if (context.activity.type === 'message') {
    await context.sendActivity('Sorry, something went wrong on my side and I could not finish that. Please try again; if it keeps happening, tell your administrator.').catch(() => undefined);
  }
}
