import { hostname as osHostname } from 'node:os';
import type { SpoolRecord } from '../shipping/Sink';
import { readRecordPrefix } from './recordPrefix';
import { FACILITIES, headerField, sdElement, SEVERITY, type FacilityName } from './syslogFields';

/** The SD-ID carrying the record id; 32473 is the enterprise number RFC 5612 reserves for documentation and examples. */
export const PRODLOG_SD_ID = 'prodlog@32473';
/** Appended to a MSG cut to fit `maxMessageBytes`. */
export const TRUNCATION_MARKER = '...[truncated]';

export interface EncoderSettings {
  readonly facility: FacilityName;
  readonly appName: string;
  /** The largest syslog message (header, structured data and MSG, without framing) in bytes. */
  readonly maxMessageBytes: number;
  /** Extra SD-ELEMENTs sent with every record: SD-ID to parameters. */
  readonly structuredData: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Turns a spooled JSON record into an RFC 5424 message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [prodlog@32473 id="..."] {json}
 *
 * PRI is facility * 8 + the severity of the record's level; TIMESTAMP,
 * HOSTNAME and PROCID come from the record (time, hostname, pid), so a record
 * delivered after a restart keeps its own; APP-NAME is the logger name; MSGID
 * is the level name; the `id` parameter is the spool id receivers deduplicate
 * on. MSG is the JSON record as written, UTF-8 without a BOM (rsyslog would
 * keep a BOM inside the message). A message longer than `maxMessageBytes` is
 * never split: its MSG is cut at a character boundary, ends with
 * TRUNCATION_MARKER, and the structured data says `truncated="<MSG bytes>"`.
 */
export class Rfc5424Encoder {
  private readonly priFor: Readonly<Record<string, string>>;
  private readonly appName: string;
  private readonly extraSd: string;
  private readonly fallbackHost = headerField(osHostname(), 255);
  private lastHostRaw = '';
  private lastHost = '';

  constructor(private readonly settings: EncoderSettings) {
    const facility = FACILITIES[settings.facility];
    this.priFor = Object.fromEntries(Object.entries(SEVERITY).map(([level, sev]) => [level, `<${facility * 8 + sev}>1 `]));
    this.appName = headerField(settings.appName, 48);
    this.extraSd = Object.entries(settings.structuredData)
      .map(([id, params]) => sdElement(id, params))
      .join('');
  }

  encode(record: SpoolRecord): string {
    const p = readRecordPrefix(record.line);
    const head =
      `${this.priFor[p.level] ?? this.priFor['info']}${p.time} ${this.host(p.hostname)} ${this.appName} ${p.pid || '-'} ${p.level} ` +
      // Spool ids are [0-9a-z.-] by construction: nothing in them needs escaping.
      `[${PRODLOG_SD_ID} id="${record.id ?? ''}"`;
    const message = `${head}]${this.extraSd} ${record.line}`;
    if (message.length * 3 <= this.settings.maxMessageBytes || Buffer.byteLength(message) <= this.settings.maxMessageBytes) return message;
    return this.truncated(head, record.line);
  }

  private truncated(head: string, line: string): string {
    const msg = Buffer.from(line, 'utf8');
    const prefix = `${head} truncated="${msg.length}"]${this.extraSd} `;
    const room = this.settings.maxMessageBytes - Buffer.byteLength(prefix) - TRUNCATION_MARKER.length;
    let cut = Math.max(0, Math.min(room, msg.length));
    while (cut > 0 && ((msg[cut] ?? 0) & 0xc0) === 0x80) cut--; // never end inside a UTF-8 sequence
    return `${prefix}${msg.toString('utf8', 0, cut)}${TRUNCATION_MARKER}`;
  }

  /** Hostnames repeat on every record: clean each distinct one once. */
  private host(raw: string): string {
    if (raw === '') return this.fallbackHost;
    if (raw !== this.lastHostRaw) {
      this.lastHostRaw = raw;
      this.lastHost = headerField(raw.includes('\\') ? unescapeJson(raw) : raw, 255);
    }
    return this.lastHost;
  }
}

function unescapeJson(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
