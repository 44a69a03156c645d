import type { FastifyInstance } from 'fastify';
import { invalid } from '../domain/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bodies are JSON whatever the Content-Type says: TikMatrix clients send JSON with no
 * header, with text/plain, or with the form type that `curl -d` sets by default, and
 * all of them must keep working. An empty body parses to nothing, which the route's
 * schema then refuses where a body is required.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    const buffer = body as Buffer;
    if (buffer.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = utf8.decode(buffer);
    } catch {
      return done(invalid('body is not valid UTF-8'), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(invalid('body is not valid JSON'), undefined);
    }
  });
}
