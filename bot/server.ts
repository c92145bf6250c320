import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import restify from 'restify';
import { StoreError } from '../data/storeError.ts';
import type { Services } from '../services/services.ts';
import { mountPartnerApi } from './api/partnerApi.ts';
import type { DevSignIn } from './auth/devSignIn.ts';
import type { TokenVerifier } from './auth/tokenVerifier.ts';
import type { Config } from './config.ts';
import { mountDashboard } from './dashboard/dashboardRoutes.ts';
import { ConnectorPrivateChat } from './privateChat.ts';
import { ReservationsBot } from './reservationsBot.ts';
import type { SignIns } from './auth/signIns.ts';
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
  /** Teams single sign-on in chat, where Partner Center needs the agent's own sign-in. */
  signIns?: SignIns;
}

/** The wired server, not listening: the entry point listens, and tests use it on a random port. */
export function buildServer(services: Services, { bot: botConfig, verifier, devSignIn, limits = defaultHttpLimits, signIns }: ServerOptions): restify.Server {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(botConfig));
  adapter.onTurnError = onTurnError;
  const bot = new ReservationsBot(services, new ConnectorPrivateChat(adapter, botConfig.MicrosoftAppId, services), signIns);

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
  server.get(
    '/healthz',
    guardedRoute(async (_req, res) => {
      // A load balancer sends no traffic to an instance whose database does not answer; why is in the instance's log.
      try {
        await services.checkStore();
        res.send(200, { status: 'ok', store: 'ok' });
      } catch (err) {
        console.error(`/healthz: the store does not answer: ${(err as Error).message}`);
        res.send(503, { status: 'unavailable', store: 'the store does not answer' });
      }
    }),
  );
  mountPartnerApi(server, services, verifier);
  mountDashboard(server, services, { verifier, devSignIn });
  return server;
}

/** Domain refusals are answered where they happen; whatever reaches here is a fault, logged and apologised for. */
async function onTurnError(context: TurnContext, error: Error): Promise<void> {
  // The store out of reach is not a fault of the code: said in one line, without a stack trace.
  const unavailable = error instanceof StoreError;
  console.error(`[turn error] ${context.activity.type} ${context.activity.id ?? ''}:`, unavailable ? error.message : error);
  if (context.activity.type === 'message') {
    const apology = unavailable
      ? 'Sorry, I cannot reach my database right now, so nothing was done. Please try again in a minute; if it keeps happening, tell your administrator.'
      : 'Sorry, something went wrong on my side and I could not finish that. Please try again; if it keeps happening, tell your administrator.';
    await context.sendActivity(apology).catch(() => undefined);
  }
}
