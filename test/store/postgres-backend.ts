import postgres from 'postgres';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresUnavailable } from '../helpers/postgres.js';
import type { StoreBackend } from './contract.js';

/** Each fixture is a fresh schema in the real PostgreSQL at ACTLOG_TEST_POSTGRES_URL. */
export async function postgresBackend(): Promise<StoreBackend> {
  const unavailable = await postgresUnavailable();
  return {
    name: 'postgres',
    ...(unavailable ? { unavailable } : {}),
    async fresh() {
      const schema = freshSchemaName();
      const open = () => PostgresStore.open({ url: POSTGRES_URL, schema, poolSize: 4 });
      let store: Store = await open();
      let destroyed = false;
      return {
        get store() {
          return store;
        },
        async reopen() {
          await store.close();
          store = await open();
          return store;
        },
        async refuseDetail(detail: string) {
          const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => undefined });
          try {
            await sql.unsafe(`
              CREATE FUNCTION "${schema}".refuse_detail() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'refused by a test trigger'; END $$;
              CREATE TRIGGER refuse_detail BEFORE INSERT ON "${schema}".activity_log FOR EACH ROW
              WHEN (NEW.action_detail = '${detail.replaceAll("'", "''")}') EXECUTE FUNCTION "${schema}".refuse_detail();`);
          } finally {
            await sql.end();
          }
        },
        async destroy() {
          if (destroyed) return;
          destroyed = true;
          await store.close();
          await dropSchema(schema);
        },
      };
    },
  };
}
