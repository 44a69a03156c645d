import type { FastifyInstance } from 'fastify';

/**
 * `GET /` for a person: a browser (a request that accepts HTML) is sent to the interactive API
 * page. Anything else still gets the unknown-route answer, as before. The dashboard replaces
 * this file (src/http/routes/ui.ts serves it at `/`): remove this route and its registration in
 * app.ts then.
 */
export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (request, reply) =>
    /\btext\/html\b/.test(request.headers.accept ?? '') ? reply.redirect('/docs', 302) : reply.callNotFound(),
  );
}
