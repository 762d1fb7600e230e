import type { IncomingHttpHeaders } from 'node:http';

/**
 * ClickHouse exception codes that say the request or its rows are wrong, not
 * that the server is in trouble: the codes current ClickHouse answers with
 * 400, 403 or 404, which older servers (18.16 among them) answer with 500.
 * Retrying them cannot help; the batch goes straight to the dead-letter file.
 * Codes from ClickHouse's src/Common/ErrorCodes.cpp.
 */
const DATA_OR_REQUEST_ERRORS: ReadonlySet<number> = new Set([
  6, // CANNOT_PARSE_TEXT
  8, // THERE_IS_NO_COLUMN
  15, // DUPLICATE_COLUMN
  16, // NO_SUCH_COLUMN_IN_TABLE
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  36, // BAD_ARGUMENTS
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  44, // ILLEGAL_COLUMN
  47, // UNKNOWN_IDENTIFIER
  53, // TYPE_MISMATCH
  60, // UNKNOWN_TABLE
  62, // SYNTAX_ERROR
  72, // CANNOT_PARSE_NUMBER
  73, // UNKNOWN_FORMAT
  81, // UNKNOWN_DATABASE
  115, // UNKNOWN_SETTING
  117, // INCORRECT_DATA
  192, // UNKNOWN_USER
  193, // WRONG_PASSWORD
  194, // REQUIRED_PASSWORD
  195, // IP_ADDRESS_NOT_ALLOWED
  291, // DATABASE_ACCESS_DENIED
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  376, // CANNOT_PARSE_UUID
  441, // CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
  497, // ACCESS_DENIED
  516, // AUTHENTICATION_FAILED
]);

/**
 * Whether a ClickHouse error answer is about the request, not the server.
 * Current servers name the exception code in a header; older ones (18.x)
 * only begin the body with "Code: 27, ...", which is read when another
 * ClickHouse header shows that ClickHouse answered.
 */
export function isClickHouseDataError(headers: IncomingHttpHeaders, body: string): boolean {
  const code = exceptionCode(headers, body);
  return code !== undefined && DATA_OR_REQUEST_ERRORS.has(code);
}

function exceptionCode(headers: IncomingHttpHeaders, body: string): number | undefined {
  const raw = headers['x-clickhouse-exception-code'];
  const fromHeader = Array.isArray(raw) ? raw[0] : raw;
  if (fromHeader !== undefined) return Number(fromHeader);
  if (headers['x-clickhouse-server-display-name'] === undefined) return undefined;
  const m = /^Code: (\d+)[.,]/.exec(body);
  return m ? Number(m[1]) : undefined;
}
