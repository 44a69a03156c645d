import { type TSchema, Type } from 'typebox';

/** Every API answer is `{ code, message, data }`; success is code 0 with message "success". */
export const Envelope = <T extends TSchema>(data: T) =>
  Type.Object({
    code: Type.Integer({ description: '0 on success, else an error code' }),
    message: Type.String(),
    data,
  });

export const ErrorEnvelope = Type.Object(
  {
    code: Type.Integer({ description: '40001, 40101, 40301, 40401, 41301, 42901 or 50001' }),
    message: Type.String({ description: 'What was wrong, in plain words' }),
    data: Type.Null(),
  },
  { $id: 'ErrorEnvelope' },
);

export const ok = <T>(data: T) => ({ code: 0, message: 'success', data });

/** The success envelope around `data` that is already JSON text; byte-identical to serialising `ok(data)`. */
export const okJson = (dataJson: string) => `{"code":0,"message":"success","data":${dataJson}}`;

export const JSON_TYPE = 'application/json; charset=utf-8';

export const failure = (code: number, message: string) => ({ code, message, data: null });

/** Response schemas of an envelope route: the success shape plus the error envelope. */
export const envelopeResponses = <T extends TSchema>(data: T) => ({
  200: Envelope(data),
  '4xx': Type.Ref('ErrorEnvelope'),
  '5xx': Type.Ref('ErrorEnvelope'),
});
