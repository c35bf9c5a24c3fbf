/** Importing this module defines every revrec UDF (each file calls `defineUdf`). */
import './billing-documents-udf.js';

export { registerUdfs, listUdfs } from './udf-registry.js';
