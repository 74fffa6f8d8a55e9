export { ensureDatabase, pingPostgres } from './ensure-database';
