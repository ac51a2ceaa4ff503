// Just enough of the zip format to read an .xlsx download's worksheets: the central
// directory, then each sheet's XML inflated, its <row> elements counted.

import { inflateRawSync } from 'node:zlib';

function entries(buffer) {
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65_557); i -= 1) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const list = [];
  for (let n = 0; n < count; n += 1) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    list.push({ name, method, compressedSize, localOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return list;
}

function read(buffer, entry) {
  const local = entry.localOffset;
  const nameLength = buffer.readUInt16LE(local + 26);
  const extraLength = buffer.readUInt16LE(local + 28);
  const start = local + 30 + nameLength + extraLength;
  const data = buffer.subarray(start, start + entry.compressedSize);
  return entry.method === 0 ? data : inflateRawSync(data);
}

/** The data rows of every worksheet of an .xlsx (each sheet's header row excluded). */
export function xlsxRowCount(buffer) {
  const sheets = entries(buffer).filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name));
  if (sheets.length === 0) throw new Error('the workbook has no worksheet');
  let rows = 0;
  for (const sheet of sheets) {
    const xml = read(buffer, sheet).toString('utf8');
    const count = (xml.match(/<row[\s>]/g) || []).length;
    rows += Math.max(0, count - 1);
  }
  return rows;
}
