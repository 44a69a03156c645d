import { type TSchema, Type } from 'typebox';

/** Every API answer is `{ code, message, data }`; success is code 0 with message "success". */
export const Envelope = <T extends TSchema>(data: T, options: { description?: string; examples?: unknown[] } = {}) =>
  Type.Object(
    {
      code: Type.Integer({ description: '0 on success, else an error code' }),
      message: Type.String(),
      data,
    },
    options,
  );

export const ErrorEnvelope = Type.Object(
  {
    code: Type.Integer({ description: '40001, 40101, 40301, 40401, 41301, 42901 or 50001' }),
    message: Type.String({ description: 'What was wrong, in plain words' }),
    data: Type.Null(),
  },
  {
    $id: 'ErrorEnvelope',
    description:
      'An error: 40001 bad input, 40101 no or wrong token, 40301 not allowed, 40401 not found, 41301 too large, 42901 too many requests, 50001 internal (HTTP 500, or 503 when it is worth retrying)',
    examples: [{ code: 40001, message: 'platform is required', data: null }],
  },
);

export const ok = <T>(data: T) => ({ code: 0, message: 'success', data });

/** The success envelope around `data` that is already JSON text; byte-identical to serialising `ok(data)`. */
export const okJson = (dataJson: string) => `{"code":0,"message":"success","data":${dataJson}}`;

export const JSON_TYPE = 'application/json; charset=utf-8';

export const failure = (code: number, message: string) => ({ code, message, data: null });

/** Response schemas of an envelope route: the success shape (described, with an example answer) plus the error envelope. */
export const envelopeResponses = <T extends TSchema>(data: T, doc: { description: string; example: unknown }) => ({
  200: Envelope(data, { description: doc.description, examples: [ok(doc.example)] }),
  '4xx': Type.Ref('ErrorEnvelope'),
  '5xx': Type.Ref('ErrorEnvelope'),
});
