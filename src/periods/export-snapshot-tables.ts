import { addStateTableDdl } from '../warehouse/state-tables.js';

const CUSTOM_FIELDS = ['02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => `BS_CustomField${n} VARCHAR`);

/**
 * Snapshots of the orders and invoices exports frozen at each close (the other export types derive from
 * `meta.frozen_line_periods`). Their columns are those of `exports.exp_orders` / `exports.exp_invoices`.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.frozen_orders (
    Actg_Period INTEGER, Sales_Order_Id VARCHAR, Sales_Order_Item_Id VARCHAR, Product_Id VARCHAR, Customer_Id VARCHAR,
    Order_Date DATE, Bookings_Amount BIGINT, Quantity BIGINT, List_Price BIGINT, Sale_Price BIGINT, Allocated_Revenue BIGINT,
    IsActive BOOLEAN, Service_Start_Date DATE, Service_End_Date DATE, MRR BIGINT, Duration BIGINT, Currency VARCHAR,
    Reference_Invoice_Number VARCHAR, _amount_minor_unit INTEGER, Version BIGINT, _record_key VARCHAR
  )`,
  `COMMENT ON TABLE meta.frozen_orders IS 'The orders export of each closed period as it was at the close (Quantity and prices scaled by 10^6, amounts in minor units, Duration x 100).'`,
  `CREATE TABLE IF NOT EXISTS meta.frozen_invoices (
    Actg_Period INTEGER, Sales_Order_Id VARCHAR, Sales_Order_Item_Id VARCHAR, Invoice_Number VARCHAR,
    ${CUSTOM_FIELDS.join(', ')},
    Billing_Date DATE, Billing_Amount BIGINT, Currency VARCHAR, _amount_minor_unit INTEGER, Version BIGINT,
    _document_key VARCHAR, _record_key VARCHAR
  )`,
  `COMMENT ON TABLE meta.frozen_invoices IS 'Billing documents reported in each closed period (signed amounts in minor units), so each document is reported once.'`,
);
