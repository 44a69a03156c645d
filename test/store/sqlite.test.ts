import { storeContract } from './contract.js';
import { sqliteBackend } from './sqlite-backend.js';

storeContract(sqliteBackend);
