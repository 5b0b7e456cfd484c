// Reads every array listed in a Forge test manifest with zarrita and compares it to the raw values.
// Usage: node read.mjs v2|v3 STORE MANIFEST [STORE MANIFEST ...]; prints "ok <n> ..." or exits 1 with the difference.
import { readFileSync } from "node:fs";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const typed = {
  bool: Uint8Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array,
};

function same(a, b) {
  return a === b || (typeof a === "number" && Number.isNaN(a) && Number.isNaN(b));
}

async function check(format, storePath, manifestPath) {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const root = zarr.root(new FileSystemStore(storePath));
  for (const a of manifest.arrays) {
    const arr = format === "v3"
      ? await zarr.open.v3(root.resolve(a.name), { kind: "array" })
      : await zarr.open.v2(root.resolve(a.name), { kind: "array" });
    if (JSON.stringify(arr.shape) !== JSON.stringify(a.shape)) throw new Error(`${a.name}: shape ${arr.shape} != ${a.shape}`);
    const got = await zarr.get(arr);
    const raw = readFileSync(a.bin);
    const Type = typed[a.v3type];
    const want = new Type(raw.buffer, raw.byteOffset, raw.byteLength / Type.BYTES_PER_ELEMENT);
    const data = got.data instanceof Type ? got.data : Type.from(got.data);
    if (data.length !== want.length) throw new Error(`${a.name}: ${data.length} values, expected ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      if (!same(data[i], want[i])) throw new Error(`${a.name}[${i}]: ${data[i]} != ${want[i]}`);
    }
    // A single element through a partial selection (exercises sharded inner-chunk reads).
    const last = a.shape.map((s) => s - 1);
    if (last.length > 0) {
      const one = await zarr.get(arr, last);
      if (!same(one, want[want.length - 1])) throw new Error(`${a.name}${JSON.stringify(last)}: ${one} != ${want[want.length - 1]}`);
    }
  }
  return manifest.arrays.length;
}

const [format, ...pairs] = process.argv.slice(2);
const counts = [];
for (let i = 0; i < pairs.length; i += 2) {
  try {
    counts.push(await check(format, pairs[i], pairs[i + 1]));
  } catch (err) {
    console.error(`${pairs[i]}: ${err.stack ?? err}`);
    process.exit(1);
  }
}
console.log("ok", counts.join(" "));
