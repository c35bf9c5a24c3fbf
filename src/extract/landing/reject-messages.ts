/**
 * SQL that turns a DuckDB reject record (`store_rejects`) into the `message` and `raw_text` of `raw.rejected_rows`.
 * `e` is the reject row; `fieldOffset` is subtracted from field counts (1 for XLSX parts, whose CSV has the row
 * number as an extra first field).
 */
export function rejectMessageSql(options: { fieldOffset: number; maxLineBytes: number; maxRawTextChars: number; rawTextSql: string }): string {
  const count = (pattern: string) =>
    `(TRY_CAST(regexp_extract(e.error_message, '${pattern}: ([0-9]+)', 1) AS BIGINT) - ${options.fieldOffset})`;
  const found = count('Found');
  const expected = count('Expected Number of Columns');
  const lines = `(length(e.csv_line) - length(replace(e.csv_line, chr(10), '')))`;
  const reason = `CASE e.error_type
    WHEN 'MISSING COLUMNS' THEN 'the row has ' || ${found} || ' field(s) but the header has ' || ${expected}
      || ': a value is missing, or the row uses another delimiter'
      || CASE WHEN contains(e.csv_line, ';') OR contains(e.csv_line, chr(9)) THEN ' (it contains ";" or tabs: save the file comma-separated)' ELSE '' END
    WHEN 'TOO MANY COLUMNS' THEN 'the row has ' || ${found} || ' fields but the header has ' || ${expected}
      || ': a value holds an unquoted comma (quote it, e.g. "1,5"), or the row has cells beyond the last column'
    WHEN 'UNQUOTED VALUE' THEN 'unbalanced quote: a quoted value is not closed, or its closing quote is followed by other characters before the next comma (write a quote inside a quoted value as "")'
      || CASE WHEN ${lines} > 0 THEN '; the open quote ran on over ' || ${lines} || ' more line(s), which are in raw_text and did not load' ELSE '' END
    WHEN 'LINE SIZE OVER MAXIMUM' THEN 'the row is longer than ${options.maxLineBytes} bytes, the maximum row size: a quote left open, or a value far too long (raw_text holds its beginning)'
    WHEN 'INVALID ENCODING' THEN 'the row is not valid UTF-8'
    ELSE lower(e.error_type) || ': ' || e.error_message
  END`;
  const truncated = `CASE WHEN length(${options.rawTextSql}) > ${options.maxRawTextChars}
    THEN ' (raw_text holds the first ${options.maxRawTextChars} of ' || length(${options.rawTextSql}) || ' characters)' ELSE '' END`;
  return `(${reason} || ${truncated})`;
}
