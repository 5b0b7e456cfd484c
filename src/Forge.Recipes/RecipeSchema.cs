namespace Forge.Recipes;

/// <summary>
/// JSON Schema (draft 2020-12) of the recipe format, for editors (yaml-language-server: put
/// <c># yaml-language-server: $schema=forge-recipe.schema.json</c> at the top of a recipe). <c>forge schema</c> prints it.
/// The parser stays the authority: it also checks what a schema cannot (placeholders vs dims, shard multiples).
/// </summary>
public static class RecipeSchema
{
    public const string Id = "https://forge.invalid/schemas/recipe-v1.json";

    public const string Json = """
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://forge.invalid/schemas/recipe-v1.json",
  "title": "Forge recipe (format version 1)",
  "description": "A Forge recipe: which NetCDF/GRIB inputs to fetch, how they combine, and the Zarr store to write.",
  "type": "object",
  "additionalProperties": false,
  "required": ["forge", "id", "inputs"],
  "properties": {
    "forge": { "description": "Recipe format version. Must be 1.", "const": 1 },
    "id": { "description": "Recipe id: a lowercase letter followed by up to 62 lowercase letters, digits, '-' or '_'.", "type": "string", "pattern": "^[a-z][-_0-9a-z]{0,62}$" },
    "title": { "description": "Human-readable title.", "type": "string" },
    "description": { "description": "Longer description of the dataset.", "type": "string" },
    "inputs": {
      "description": "The input files: a URL template and the keys that fill it.",
      "type": "object",
      "additionalProperties": false,
      "required": ["url", "concat"],
      "properties": {
        "url": { "description": "URL template (http, https, ftp, s3, file or a local path). Placeholders: {dim:%Y%m%d} (strftime %Y %m %d %H %M %j) for date keys, {dim} (ISO date), {dim:03} (zero-pad) for integer keys, {dim} for string keys; dim must be the concat or merge dim. {{ and }} are literal braces.", "type": "string", "minLength": 1 },
        "concat": {
          "description": "The dimension the inputs are stacked along.",
          "type": "object",
          "additionalProperties": false,
          "required": ["dim", "keys"],
          "properties": {
            "dim": { "description": "Name of the concat dimension; also the placeholder name in url.", "$ref": "#/$defs/dimName" },
            "keys": {
              "description": "The concat keys: exactly one of range or list.",
              "type": "object",
              "additionalProperties": false,
              "minProperties": 1,
              "maxProperties": 1,
              "properties": {
                "range": {
                  "description": "An inclusive range of dates or integers.",
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["start", "end"],
                  "properties": {
                    "start": { "description": "First key: a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]) or an integer.", "$ref": "#/$defs/rangeBound" },
                    "end": { "description": "Last key (inclusive); must not be before start. For date ranges also relative to the run's start in UTC: 'today', '-N days', '-N months' (that whole day) or '-N hours'.", "oneOf": [ { "$ref": "#/$defs/rangeBound" }, { "type": "string", "pattern": "^(today|-[0-9]{1,6} *(day|hour|month)s?)$" } ] },
                    "step": {
                      "description": "N minute(s) | hour(s) | day(s) | month(s) | year(s) for dates (default 1 day; months/years count from start), a positive integer for integer ranges (default 1).",
                      "oneOf": [
                        { "type": "string", "pattern": "^[0-9]+\\s*([Mm]inute|[Hh]our|[Dd]ay|[Mm]onth|[Yy]ear)s?$" },
                        { "type": "integer", "minimum": 1 }
                      ]
                    }
                  }
                },
                "list": {
                  "description": "Explicit keys, all of one kind: dates, integers or strings (a quoted \"001\" stays a string).",
                  "type": "array",
                  "minItems": 1,
                  "uniqueItems": true,
                  "items": { "type": ["string", "integer"] }
                }
              }
            },
            "items_per_file": { "description": "Optional hint: the concat length of every file. When absent, each file's length is read from its header.", "type": "integer", "minimum": 1 },
            "data_vars": { "description": "Which data variables without the concat dim get it (xarray's data_vars): all repeats every one along the concat dim (xarray's default); different only those that differ between inputs; minimal none (each must be equal in every input).", "enum": ["all", "different", "minimal"], "default": "all" }
          }
        },
        "merge": {
          "description": "Files that hold different variables for the same concat key.",
          "type": "object",
          "additionalProperties": false,
          "required": ["dim", "keys"],
          "properties": {
            "dim": { "description": "Placeholder name used in url (must differ from the concat dim).", "$ref": "#/$defs/dimName" },
            "keys": { "description": "The merge keys, inserted into url as written.", "type": "array", "minItems": 1, "uniqueItems": true, "items": { "type": ["string", "integer"] } }
          }
        },
        "format": { "description": "Input format; auto sniffs the magic bytes.", "enum": ["auto", "netcdf3", "netcdf4", "hdf5", "grib"], "default": "auto" },
        "grib": {
          "description": "GRIB options (only for grib inputs).",
          "type": "object",
          "additionalProperties": false,
          "required": ["filter"],
          "properties": {
            "filter": {
              "description": "ecCodes key -> accepted value; a list means any of.",
              "type": "object",
              "minProperties": 1,
              "additionalProperties": { "oneOf": [ { "type": ["string", "number"] }, { "type": "array", "minItems": 1, "items": { "type": ["string", "number"] } } ] }
            }
          }
        },
        "netcdf": {
          "description": "NetCDF/HDF5 reader options (not for grib inputs).",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "sub_groups": { "description": "Variables in NetCDF-4 sub-groups: reject fails naming the file and group; ignore converts the root group only, as xarray.open_dataset does.", "enum": ["reject", "ignore"], "default": "reject" }
          }
        },
        "fetch": {
          "description": "How inputs are downloaded.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "concurrency": { "description": "Simultaneous downloads per host.", "type": "integer", "minimum": 1, "maximum": 1024, "default": 4 },
            "retries": { "description": "Retries per input, exponential backoff with jitter.", "type": "integer", "minimum": 0, "maximum": 100, "default": 5 },
            "timeout": { "description": "Per-request timeout: 120s, 5m, 1h, 1h30m, 500ms or plain seconds.", "$ref": "#/$defs/duration", "default": "120s" },
            "deadline": { "description": "Total time one request may take, headers and body (no limit by default).", "$ref": "#/$defs/duration" },
            "min_rate": { "description": "Slowest body accepted, averaged over each timeout-long window, e.g. 1KiB/s; 0 turns the floor off.", "type": "string", "pattern": "^(0|[0-9]+(\\.[0-9]+)?\\s*([kKMGT]i?B|B)?(/s)?)$", "default": "1KiB/s" },
            "max_size": { "description": "Largest input accepted (declared length and bytes received), e.g. 20GiB.", "$ref": "#/$defs/size", "default": "64GiB" },
            "max_redirects": { "description": "Redirects followed per request; a loop is an error that shows the chain.", "type": "integer", "minimum": 0, "maximum": 100, "default": 10 },
            "auth": {
              "description": "Authentication; secrets come from environment variables, never from the file. One of bearer_env, basic, netrc.",
              "type": "object",
              "additionalProperties": false,
              "maxProperties": 1,
              "properties": {
                "bearer_env": { "description": "Environment variable holding a bearer token.", "$ref": "#/$defs/envName" },
                "basic": {
                  "description": "HTTP basic auth from two environment variables.",
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["username_env", "password_env"],
                  "properties": {
                    "username_env": { "description": "Environment variable holding the user name.", "$ref": "#/$defs/envName" },
                    "password_env": { "description": "Environment variable holding the password.", "$ref": "#/$defs/envName" }
                  }
                },
                "netrc": { "description": "Use ~/.netrc (or $NETRC) credentials for each host.", "type": "boolean" }
              }
            },
            "query_secrets": {
              "description": "Query parameters appended to each URL at run time: parameter name -> environment variable holding its value. Never logged.",
              "type": "object",
              "additionalProperties": { "$ref": "#/$defs/envName" }
            }
          }
        },
        "cache": { "description": "Optional input cache: a local folder, file:// URL or s3://bucket/prefix.", "$ref": "#/$defs/storeUrl" }
      }
    },
    "transforms": {
      "description": "Applied in order to each input dataset; each item has exactly one key.",
      "type": "array",
      "items": {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": false,
        "properties": {
          "squeeze": { "description": "Drop these length-1 dimensions.", "$ref": "#/$defs/names" },
          "drop": { "description": "Drop these variables.", "$ref": "#/$defs/names" },
          "select": { "description": "Keep only these data variables (their coordinates stay).", "$ref": "#/$defs/names" },
          "rename": { "description": "Rename variables and dimensions: old -> new.", "type": "object", "minProperties": 1, "additionalProperties": { "type": "string", "minLength": 1 } },
          "set_coords": { "description": "Treat these variables as coordinates.", "$ref": "#/$defs/names" },
          "attrs": {
            "description": "Set or override attributes: 'global' for the dataset, or a variable name; a null value deletes the attribute.",
            "type": "object",
            "minProperties": 1,
            "properties": { "global": { "description": "Global (dataset) attributes.", "$ref": "#/$defs/attrs" } },
            "additionalProperties": { "$ref": "#/$defs/attrs" }
          },
          "decode_cf": { "description": "Unpack scale_factor/add_offset to float32 and _FillValue to NaN for these variables.", "$ref": "#/$defs/names" }
        }
      }
    },
    "target": {
      "description": "The Zarr store to write.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "url": { "description": "A local path, file:// URL or s3://bucket/prefix. Default ./output/<id>.zarr.", "$ref": "#/$defs/storeUrl" },
        "zarr_format": { "description": "Zarr format version.", "enum": [2, 3], "default": 3 },
        "chunks": { "description": "Chunk lengths per dimension (dims left out get their full length), or auto.", "$ref": "#/$defs/chunks", "default": "auto" },
        "chunk_size": { "description": "Target decoded chunk size for chunks: auto, e.g. 64MiB, 500MB (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB).", "$ref": "#/$defs/size", "default": "64MiB" },
        "shards": { "description": "Zarr 3 only: shard length per dimension, a multiple of the chunk length; dims left out = one chunk.", "$ref": "#/$defs/dimLengths" },
        "codec": { "description": "Chunk compressor. Default zstd level 3.", "$ref": "#/$defs/codec", "default": { "zstd": { "level": 3 } } },
        "variables": {
          "description": "Per-variable overrides.",
          "type": "object",
          "additionalProperties": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "chunks": { "description": "Chunk lengths for this variable, or auto.", "$ref": "#/$defs/chunks" },
              "codec": { "description": "Compressor for this variable.", "$ref": "#/$defs/codec" },
              "dtype": { "description": "Stored data type (Zarr v3 name).", "enum": ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"] },
              "fill_value": {
                "description": "Fill value: a number, NaN, Infinity, -Infinity, or null for none.",
                "oneOf": [ { "type": "number" }, { "enum": ["NaN", "nan", ".nan", "Infinity", "inf", ".inf", "-Infinity", "-inf", "-.inf"] }, { "type": "null" } ]
              }
            }
          }
        },
        "s3": {
          "description": "S3-compatible store options; credentials come from the standard AWS chain (environment, profile).",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "endpoint": { "description": "Endpoint URL (http or https) of an S3-compatible service.", "type": "string", "pattern": "^https?://" },
            "region": { "description": "Region, e.g. us-east-1.", "type": "string" },
            "anonymous": { "description": "Unsigned requests (public buckets).", "type": "boolean", "default": false },
            "profile": { "description": "Named AWS profile from ~/.aws/config.", "type": "string" }
          }
        },
        "attrs": { "description": "Extra global attributes (null deletes).", "$ref": "#/$defs/attrs" }
      }
    },
    "run": {
      "description": "Run-time resources.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "max_memory": { "description": "Hard bound for the working set of array data, e.g. 2GiB.", "$ref": "#/$defs/size", "default": "2GiB" },
        "workers": { "description": "Decode/encode parallelism: auto or a positive integer.", "oneOf": [ { "const": "auto" }, { "type": "integer", "minimum": 1, "maximum": 4096 } ], "default": "auto" },
        "strategy": { "description": "How target objects that do not fit in memory at once are written: auto (chosen by cost), single (one pass; a plan error when it does not fit), passes (one or more passes over the inputs, never spill), spill (one pass that spills pieces to local scratch), stream (one pass that encodes each object block by block as its steps arrive; blosc or no compressor, concat dimension outermost).", "enum": ["auto", "single", "passes", "spill", "stream"], "default": "auto" },
        "scratch": { "description": "Local folder for the spill store and shard assembly (relative to the recipe file); default: the system temp folder.", "type": "string", "minLength": 1 },
        "fsync": { "description": "Flush a local target's objects, ledger and metadata to disk before they are marked done and before publish (false: faster, but a machine crash may lose objects already marked done; --no-fsync).", "type": "boolean", "default": true }
      }
    }
  },
  "$defs": {
    "dimName": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
    "names": { "oneOf": [ { "type": "string", "minLength": 1 }, { "type": "array", "minItems": 1, "uniqueItems": true, "items": { "type": "string", "minLength": 1 } } ] },
    "envName": { "description": "The NAME of an environment variable (never the secret itself).", "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
    "rangeBound": { "oneOf": [ { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?Z?)?$" }, { "type": "integer" } ] },
    "size": { "oneOf": [ { "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?\\s*([kKMGT]i?B|B)?$" }, { "type": "integer", "minimum": 1 } ] },
    "duration": { "oneOf": [ { "type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*)+$" }, { "type": "number", "exclusiveMinimum": 0 } ] },
    "storeUrl": { "type": "string", "minLength": 1, "pattern": "^(s3://[^/]|file://.|(?![A-Za-z][A-Za-z0-9+.-]*://))" },
    "dimLengths": { "type": "object", "minProperties": 1, "additionalProperties": { "type": "integer", "minimum": 1 } },
    "chunks": { "oneOf": [ { "const": "auto" }, { "$ref": "#/$defs/dimLengths" } ] },
    "attrValue": {
      "oneOf": [
        { "type": ["string", "number", "boolean", "null"] },
        { "type": "array", "minItems": 1, "items": { "type": "number" } }
      ]
    },
    "attrs": { "type": "object", "additionalProperties": { "$ref": "#/$defs/attrValue" } },
    "codec": {
      "oneOf": [
        { "description": "A codec with its default options (zstd level 3, gzip level 5, blosc zstd/5/shuffle), or none.", "enum": ["zstd", "gzip", "blosc", "none"] },
        {
          "type": "object",
          "minProperties": 1,
          "maxProperties": 1,
          "additionalProperties": false,
          "properties": {
            "zstd": { "description": "Zstandard.", "type": ["object", "null"], "additionalProperties": false, "properties": { "level": { "description": "1-22.", "type": "integer", "minimum": 1, "maximum": 22, "default": 3 } } },
            "gzip": { "description": "gzip (zlib deflate).", "type": ["object", "null"], "additionalProperties": false, "properties": { "level": { "description": "0-9.", "type": "integer", "minimum": 0, "maximum": 9, "default": 5 } } },
            "blosc": {
              "description": "Blosc meta-compressor.",
              "type": ["object", "null"],
              "additionalProperties": false,
              "properties": {
                "cname": { "description": "Inner compressor.", "enum": ["lz4", "lz4hc", "zstd", "zlib", "blosclz"], "default": "zstd" },
                "clevel": { "description": "0-9.", "type": "integer", "minimum": 0, "maximum": 9, "default": 5 },
                "shuffle": { "description": "Byte/bit shuffle filter.", "enum": ["noshuffle", "shuffle", "bitshuffle"], "default": "shuffle" },
                "blocksize": { "description": "Block size in bytes; 0 = automatic.", "type": "integer", "minimum": 0, "default": 0 }
              }
            },
            "none": { "description": "No compression.", "type": ["object", "null"], "maxProperties": 0 }
          }
        }
      ]
    }
  }
}
""";

    /// <summary>JSON Schema (draft 2020-12) of a feedstock's meta.yaml.</summary>
    public const string MetaJson = """
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://forge.invalid/schemas/meta-v1.json",
  "title": "Forge feedstock meta.yaml",
  "description": "Describes a feedstock and lists its recipes (pangeo-forge's meta.yaml fields, minus Python objects).",
  "type": "object",
  "additionalProperties": false,
  "required": ["title", "recipes"],
  "properties": {
    "title": { "description": "Title of the feedstock's dataset.", "type": "string" },
    "description": { "description": "Longer description.", "type": "string" },
    "recipes": {
      "description": "The recipes of this feedstock, run in this order by 'forge run <folder>'.",
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "path"],
        "properties": {
          "id": { "description": "Must equal the id inside the recipe file.", "type": "string", "pattern": "^[a-z][-_0-9a-z]{0,62}$" },
          "path": { "description": "Recipe file, relative to the feedstock folder.", "type": "string", "minLength": 1 }
        }
      }
    },
    "provenance": {
      "description": "Where the data comes from.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "providers": {
          "description": "Data providers (STAC provider objects).",
          "type": "array",
          "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["name"],
            "properties": {
              "name": { "description": "Provider name.", "type": "string" },
              "description": { "description": "What the provider is.", "type": "string" },
              "roles": { "description": "STAC roles.", "type": "array", "uniqueItems": true, "items": { "enum": ["producer", "licensor", "processor", "host"] } },
              "url": { "description": "Provider or product home page.", "type": "string" }
            }
          }
        },
        "license": { "description": "License of the data, an SPDX id such as CC0-1.0 or CC-BY-4.0.", "type": "string" }
      }
    },
    "maintainers": {
      "description": "People who maintain the feedstock.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
          "name": { "description": "Full name.", "type": "string" },
          "github": { "description": "GitHub user name.", "type": "string" },
          "orcid": { "description": "ORCID iD.", "type": "string", "pattern": "^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$" }
        }
      }
    }
  }
}
""";
}
