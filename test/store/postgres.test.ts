import { storeContract } from './contract.js';
import { postgresBackend } from './postgres-backend.js';

storeContract(await postgresBackend());
