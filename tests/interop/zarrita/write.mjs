// Writes a Zarr v3 store with zarrita (an independent writer) for Forge's reader tests.
// Usage: node write.mjs OUT_DIR -> OUT_DIR/zarrita.zarr, OUT_DIR/<name>.bin (C order, little-endian), OUT_DIR/manifest.json
import { mkdirSync, writeFileSync } from "node:fs";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const store = new FileSystemStore(`${out}/zarrita.zarr`);
const root = await zarr.create(zarr.root(store), { attributes: { title: "written by zarrita" } });

const cases = [
  { name: "f4_zstd", dtype: "float32", Type: Float32Array, shape: [5, 7], chunkShape: [2, 3], fill: 0,
    codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "zstd", configuration: { level: 3, checksum: false } }] },
  { name: "i2_blosc", dtype: "int16", Type: Int16Array, shape: [6, 4], chunkShape: [4, 4], fill: -1,
    codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: 2, blocksize: 0 } }] },
  { name: "u1_plain", dtype: "uint8", Type: Uint8Array, shape: [9], chunkShape: [4], fill: 7,
    codecs: [{ name: "bytes" }] }, // zarrita 0.7.5 cannot encode crc32c
  { name: "f8_transpose", dtype: "float64", Type: Float64Array, shape: [3, 4, 5], chunkShape: [2, 3, 5], fill: 0,
    codecs: [{ name: "transpose", configuration: { order: [2, 0, 1] } }, { name: "bytes", configuration: { endian: "little" } }] },
  { name: "i4_big", dtype: "int32", Type: Int32Array, shape: [10], chunkShape: [3], fill: 0,
    codecs: [{ name: "bytes", configuration: { endian: "big" } }] },
];

const manifest = [];
for (const c of cases) {
  const arr = await zarr.create(root.resolve(c.name), {
    shape: c.shape, chunkShape: c.chunkShape, dtype: c.dtype, codecs: c.codecs, fillValue: c.fill,
    dimensionNames: c.shape.map((_, i) => `d${i}`),
  });
  const n = c.shape.reduce((a, b) => a * b, 1);
  const data = new c.Type(n);
  for (let i = 0; i < n; i++) data[i] = c.dtype.startsWith("float") ? i * 0.5 - 3 : (i * 7) % 100;
  await zarr.set(arr, null, { data, shape: c.shape, stride: c.shape.map((_, d) => c.shape.slice(d + 1).reduce((a, b) => a * b, 1)) });
  writeFileSync(`${out}/${c.name}.bin`, Buffer.from(data.buffer));
  manifest.push({ name: c.name, shape: c.shape });
}
writeFileSync(`${out}/manifest.json`, JSON.stringify(manifest));
console.log("ok", manifest.length);
