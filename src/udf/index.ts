/** Importing this module defines every revrec UDF (each file calls `defineUdf`). */
export { registerUdfs, listUdfs } from './udf-registry.js';
