namespace Forge.Recipes.Tests;

public sealed class RecipeErrorTests
{
    private const string Head = "forge: 1\nid: minimal\ninputs:\n";
    private const string Url = "  url: \"https://example.org/{time:%Y%m%d}.nc\"\n";
    private const string Concat = "  concat:\n    dim: time\n    keys:\n      range: { start: 2000-01-01, end: 2000-01-10 }\n";
    private const string Minimal = Head + Url + Concat; // 8 lines

    private static RecipeException Fails(string yaml, int line, int column, string fragment)
    {
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.ParseRecipe("r.yaml", yaml));
        Assert.StartsWith($"r.yaml:{line}:{column}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(("r.yaml", line, column), (e.File, e.Line, e.Column));
        return e;
    }

    [Fact]
    public void Minimal_is_valid() => Assert.Equal("minimal", RecipeLoader.ParseRecipe("r.yaml", Minimal).Id);

    [Fact]
    public void Unknown_top_level_key_is_named_with_the_allowed_keys()
    {
        var e = Fails(Minimal + "tagret: {}\n", 9, 1, "unknown key 'tagret' in the top level");
        Assert.Contains("allowed: forge, id, title, description, inputs, transforms, target, run", e.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'target'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_nested_key_is_named() =>
        Fails(Minimal + "  fetch: { retry: 3 }\n", 9, 12, "unknown key 'retry' in 'inputs.fetch'; allowed: concurrency, retries, timeout, deadline, min_rate, max_size, max_redirects, auth, query_secrets (did you mean 'retries'?)");

    [Fact]
    public void Missing_id_points_at_the_mapping() => Fails(Minimal.Replace("id: minimal\n", "", StringComparison.Ordinal), 1, 1, "missing required key 'id' in the top level");

    [Fact]
    public void Missing_concat_points_at_inputs() => Fails(Head + Url, 4, 3, "missing required key 'concat' in 'inputs'");

    [Fact]
    public void Missing_inputs_is_an_error() => Fails("forge: 1\nid: x\n", 1, 1, "missing required key 'inputs'");

    [Fact]
    public void Wrong_scalar_type() => Fails(Minimal.Replace("forge: 1", "forge: one", StringComparison.Ordinal), 1, 8, "'forge' must be an integer, found a scalar 'one'");

    [Fact]
    public void Wrong_collection_type() => Fails(Minimal + "  fetch: { concurrency: [1] }\n", 9, 25, "'inputs.fetch.concurrency' must be an integer, found a list");

    [Fact]
    public void Mapping_expected() => Fails(Minimal + "run: fast\n", 9, 6, "'run' must be a mapping, found a scalar");

    [Fact]
    public void Unsupported_format_version() => Fails(Minimal.Replace("forge: 1", "forge: 2", StringComparison.Ordinal), 1, 8, "unsupported recipe format version 2");

    [Theory]
    [InlineData("NOAA")]
    [InlineData("1abc")]
    [InlineData("a b")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd")] // 64 characters
    public void Invalid_id(string id) => Fails(Minimal.Replace("id: minimal", $"id: \"{id}\"", StringComparison.Ordinal), 2, 5, "invalid id");

    [Fact]
    public void Longest_valid_id_is_63_characters() =>
        Assert.Equal(63, RecipeLoader.ParseRecipe("r.yaml", Minimal.Replace("id: minimal", "id: a" + new string('-', 62), StringComparison.Ordinal)).Id.Length);

    [Theory]
    [InlineData("2000-02-30")]
    [InlineData("2001-02-29")]
    [InlineData("2000-13-01")]
    [InlineData("2000-01-01T25:00")]
    public void Bad_date(string date) =>
        Fails(Head + Url + Concat.Replace("start: 2000-01-01", $"start: {date}", StringComparison.Ordinal), 8, 23, $"invalid date '{date}'");

    [Fact]
    public void Range_end_before_start() =>
        Fails(Head + Url + Concat.Replace("end: 2000-01-10", "end: 1999-12-31", StringComparison.Ordinal), 8, 40, "range end 1999-12-31 is before start 2000-01-01");

    [Theory]
    [InlineData("1 fortnight")]
    [InlineData("0 days")]
    [InlineData("day")]
    [InlineData("3")]
    public void Bad_date_step(string step) =>
        Fails(Head + Url + Concat.Replace("end: 2000-01-10", $"end: 2000-01-10, step: {step}", StringComparison.Ordinal), 8, 58, $"bad step '{step}' for a date range");

    [Fact]
    public void Date_step_on_integer_range() =>
        Fails(Head + "  url: \"https://example.org/{time:03}.nc\"\n  concat:\n    dim: time\n    keys:\n      range: { start: 1, end: 10, step: 1 day }\n",
            8, 41, "bad step '1 day' for an integer range");

    [Fact]
    public void Range_of_strings_is_refused() =>
        Fails(Head + Url + Concat.Replace("start: 2000-01-01", "start: abc", StringComparison.Ordinal), 8, 23, "range start 'abc' must be a date or an integer");

    [Fact]
    public void Range_bounds_of_different_kinds() =>
        Fails(Head + Url + Concat.Replace("end: 2000-01-10", "end: 10", StringComparison.Ordinal), 8, 40, "range end '10' is an integer but start '2000-01-01' is a date");

    [Fact]
    public void Keys_with_both_range_and_list() =>
        Fails(Head + Url + Concat + "      list: [2000-01-01]\n", 8, 7, "has both 'range' and 'list'");

    [Fact]
    public void Keys_with_neither_range_nor_list() =>
        Fails(Head + Url + "  concat:\n    dim: time\n    keys: {}\n", 7, 11, "needs exactly one of 'range' or 'list'");

    [Fact]
    public void List_keys_of_mixed_kinds() =>
        Fails(Head + Url + "  concat:\n    dim: time\n    keys:\n      list: [2000-01-01, 7]\n", 8, 26, "all keys must be of one kind");

    [Fact]
    public void Duplicate_list_keys() =>
        Fails(Head + Url + "  concat:\n    dim: time\n    keys:\n      list: [2000-01-01, 2000-01-01]\n", 8, 26, "listed twice");

    [Fact]
    public void Unknown_placeholder_points_into_the_url() =>
        Fails(Head + "  url: \"https://example.org/{time:%Y%m%d}/{member}.nc\"\n" + Concat, 4, 43, "unknown placeholder {member} in url; placeholders must be the concat dim {time}");

    [Fact]
    public void Unknown_placeholder_lists_the_merge_dim_too()
    {
        var yaml = Head + "  url: \"https://example.org/{time:%Y%m%d}/{var}.nc\"\n" + Concat + "  merge: { dim: variable, keys: [a] }\n";
        Fails(yaml, 4, 43, "placeholders must be the concat dim {time} or the merge dim {variable}");
    }

    [Theory]
    [InlineData("%Y%b", 37, "strftime code '%b' is not supported; allowed: %Y %m %d %H %M %j")]
    [InlineData("%S", 35, "strftime code '%S' is not supported")]
    [InlineData("03", 35, "'03' is not a date format")]
    public void Bad_strftime_code(string format, int column, string fragment) =>
        Fails(Head + $"  url: \"https://example.org/{{time:{format}}}.nc\"\n" + Concat, 4, column, fragment);

    [Fact]
    public void Bad_integer_placeholder_format() =>
        Fails(Head + "  url: \"https://example.org/{time:%Y}.nc\"\n  concat:\n    dim: time\n    keys:\n      range: { start: 1, end: 3 }\n", 4, 35, "'%Y' is not an integer format");

    [Fact]
    public void Url_without_the_concat_placeholder() =>
        Fails(Head + "  url: https://example.org/all.nc\n" + Concat, 4, 8, "has no {time} placeholder");

    [Fact]
    public void Unterminated_placeholder() => Fails(Head + "  url: https://example.org/{time.nc\n" + Concat, 4, 28, "unterminated placeholder");

    [Fact]
    public void Merge_dim_equal_to_concat_dim() => Fails(Minimal + "  merge: { dim: time, keys: [a] }\n", 9, 10, "must differ from the concat dim");

    [Fact]
    public void Shards_need_zarr_3() =>
        Fails(Minimal + "target:\n  zarr_format: 2\n  chunks: { time: 10 }\n  shards: { time: 20 }\n", 12, 3, "'target.shards' needs zarr_format: 3");

    [Fact]
    public void Shard_must_be_a_multiple_of_the_chunk() =>
        Fails(Minimal + "target:\n  chunks: { time: 365 }\n  shards: { time: 700 }\n", 11, 19, "shard length 700 of dim 'time' is not a multiple of its chunk length 365");

    [Fact]
    public void Shard_must_be_a_multiple_of_a_variable_chunk() =>
        Fails(Minimal + "target:\n  shards: { time: 730 }\n  variables:\n    sst: { chunks: { time: 400 } }\n", 12, 28, "shard length 730 of dim 'time' is not a multiple of its chunk length 400");

    [Fact]
    public void Unknown_codec() => Fails(Minimal + "target:\n  codec: { lz4: {} }\n", 10, 12, "unknown codec 'lz4' in 'target.codec'; allowed: zstd, gzip, blosc, none");

    [Fact]
    public void Unknown_codec_option() => Fails(Minimal + "target:\n  codec: { zstd: { levle: 3 } }\n", 10, 20, "unknown key 'levle' in 'target.codec.zstd'; allowed: level");

    [Fact]
    public void Codec_level_out_of_range() => Fails(Minimal + "target:\n  codec: { gzip: { level: 12 } }\n", 10, 27, "must be between 0 and 9");

    [Fact]
    public void Unknown_blosc_cname() => Fails(Minimal + "target:\n  codec: { blosc: { cname: snappy } }\n", 10, 28, "unknown blosc cname 'snappy'; allowed: lz4, lz4hc, zstd, zlib, blosclz");

    [Fact]
    public void Literal_bearer_token_is_refused_without_echoing_it()
    {
        var e = Fails(Minimal + "  fetch:\n    auth: { bearer: s3cr3t-t0ken }\n", 10, 13, "secrets must not be written in a recipe: use 'bearer_env");
        Assert.DoesNotContain("s3cr3t", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_basic_password_is_refused()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.ParseRecipe("r.yaml", Minimal + "  fetch:\n    auth:\n      basic: { username_env: U, password: hunter2 }\n"));
        var error = Assert.Single(e.Errors);
        Assert.Equal((11, 33), (error.Line, error.Column));
        Assert.Contains("use 'password_env: VARIABLE'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_in_an_env_field_is_refused_without_echoing_it()
    {
        var e = Fails(Minimal + "  fetch:\n    auth: { bearer_env: \"eyJhbGci.OiJIUzI1\" }\n", 10, 25, "must name an environment variable");
        Assert.DoesNotContain("eyJhbGci", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_secret_value_must_be_an_env_name()
    {
        var e = Fails(Minimal + "  fetch:\n    query_secrets: { apikey: \"abc-123-def\" }\n", 10, 30, "must name an environment variable");
        Assert.DoesNotContain("abc-123", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_in_the_url_are_refused()
    {
        var e = Fails(Head + "  url: \"https://user:pa55word@example.org/{time:%Y%m%d}.nc\"\n" + Concat, 4, 8, "contains credentials");
        Assert.DoesNotContain("pa55word", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_query_parameter_in_the_url_is_refused()
    {
        var e = Fails(Head + "  url: \"https://example.org/{time:%Y%m%d}.nc?format=nc&apikey=Zx81secret\"\n" + Concat, 4, 8, "writes the secret query parameter 'apikey' literally; use 'inputs.fetch.query_secrets");
        Assert.DoesNotContain("Zx81", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_query_parameters_are_fine() =>
        Assert.NotNull(RecipeLoader.ParseRecipe("r.yaml", Head + "  url: \"https://example.org/get?date={time:%Y%m%d}&format=nc&key_id=3\"\n" + Concat));

    [Fact]
    public void Literal_s3_keys_are_refused() =>
        Fails(Minimal + "target:\n  s3: { secret_access_key: abc }\n", 10, 9, "credentials must not be written in a recipe");

    [Fact]
    public void Two_auth_methods_are_refused() =>
        Fails(Minimal + "  fetch:\n    auth: { bearer_env: T, netrc: true }\n", 10, 28, "takes one method, found bearer_env and netrc");

    [Fact]
    public void Grib_filter_with_a_netcdf_format() =>
        Fails(Minimal + "  format: netcdf3\n  grib: { filter: { shortName: 2t } }\n", 10, 3, "'inputs.grib' applies only to grib inputs");

    [Fact]
    public void Netcdf_sub_groups_ignore_and_reject_are_read()
    {
        Assert.Equal(SubGroups.Ignore, RecipeLoader.ParseRecipe("r.yaml", Minimal + "  netcdf: { sub_groups: ignore }\n").Inputs.NetCdf.SubGroups);
        Assert.Equal(SubGroups.Reject, RecipeLoader.ParseRecipe("r.yaml", Minimal + "  format: netcdf4\n  netcdf:\n    sub_groups: reject\n").Inputs.NetCdf.SubGroups);
    }

    [Fact]
    public void Netcdf_sub_groups_takes_only_reject_or_ignore() =>
        Fails(Minimal + "  netcdf: { sub_groups: flatten }\n", 9, 25, "'inputs.netcdf.sub_groups' must be one of reject, ignore, found 'flatten'");

    [Fact]
    public void Netcdf_options_with_a_grib_format() =>
        Fails(Minimal + "  format: grib\n  netcdf: { sub_groups: ignore }\n", 10, 3, "'inputs.netcdf' applies only to NetCDF/HDF5 inputs");

    [Fact]
    public void Unknown_netcdf_option() => Fails(Minimal + "  netcdf: { groups: ignore }\n", 9, 13, "unknown key 'groups'");

    [Fact]
    public void Unknown_input_format() => Fails(Minimal + "  format: zarr\n", 9, 11, "unknown input format 'zarr'; allowed: auto, netcdf3, netcdf4, hdf5, grib");

    [Fact]
    public void Unknown_transform() => Fails(Minimal + "transforms:\n  - squeze: [zlev]\n", 10, 5, "unknown key 'squeze' in 'transforms[0]'");

    [Fact]
    public void Transform_with_two_keys() => Fails(Minimal + "transforms:\n  - { drop: [a], select: [b] }\n", 10, 5, "must be a mapping with exactly one key");

    [Fact]
    public void Fill_value_that_does_not_fit_the_dtype() =>
        Fails(Minimal + "target:\n  variables:\n    t: { dtype: int8, fill_value: 300 }\n", 11, 35, "fill_value 300 does not fit dtype int8");

    [Fact]
    public void Unknown_dtype() => Fails(Minimal + "target:\n  variables:\n    t: { dtype: float16 }\n", 11, 17, "unknown dtype 'float16'");

    [Fact]
    public void Workers_must_be_auto_or_an_integer() => Fails(Minimal + "run: { workers: many }\n", 9, 17, "'run.workers' must be 'auto' or an integer");

    [Fact]
    public void Strategy_must_be_a_known_name() => Fails(Minimal + "run: { strategy: fast }\n", 9, 18, "'run.strategy' must be one of auto, single, passes, spill, stream, found 'fast'");

    [Fact]
    public void Scratch_must_be_local() => Fails(Minimal + "run: { scratch: s3://bucket/tmp }\n", 9, 17, "'run.scratch' must be a local folder");

    [Fact]
    public void Fsync_must_be_a_boolean() => Fails(Minimal + "run: { fsync: sometimes }\n", 9, 15, "'run.fsync' must be true or false");

    [Fact]
    public void Bad_size() => Fails(Minimal + "run: { max_memory: 2 gigs }\n", 9, 20, "'run.max_memory' must be a size such as 64MiB");

    [Fact]
    public void Bad_duration() => Fails(Minimal + "  fetch: { timeout: soon }\n", 9, 21, "'inputs.fetch.timeout' must be a duration");

    [Fact]
    public void Items_per_file_must_be_positive() => Fails(Minimal + "    items_per_file: 0\n", 9, 21, "must be between 1 and");

    [Fact]
    public void Data_vars_is_one_of_xarrays_words() => Fails(Minimal + "    data_vars: some\n", 9, 16, "'inputs.concat.data_vars' must be one of all, different, minimal (xarray's data_vars), found 'some'");

    [Fact]
    public void Data_vars_is_parsed()
    {
        Assert.Equal(Forge.Core.Datasets.Combine.DataVariables.All, RecipeLoader.ParseRecipe("r.yaml", Minimal).Inputs.Concat.DataVars);
        Assert.Equal(Forge.Core.Datasets.Combine.DataVariables.Minimal, RecipeLoader.ParseRecipe("r.yaml", Minimal + "    data_vars: minimal\n").Inputs.Concat.DataVars);
        Assert.Equal(Forge.Core.Datasets.Combine.DataVariables.Different, RecipeLoader.ParseRecipe("r.yaml", Minimal + "    data_vars: different\n").Inputs.Concat.DataVars);
    }

    [Fact]
    public void Target_url_scheme_is_checked() => Fails(Minimal + "target: { url: \"https://example.org/out.zarr\" }\n", 9, 16, "the target must be a local path, a file:// URL or s3://bucket/prefix");

    [Fact]
    public void Yaml_syntax_error_has_a_position()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.ParseRecipe("r.yaml", Minimal + "run: { max_memory: [1, }\n"));
        Assert.Equal(9, e.Line);
        Assert.StartsWith("r.yaml:9:", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_key_is_an_error()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.ParseRecipe("r.yaml", Minimal + "id: again\n"));
        Assert.Equal("r.yaml:9:1: invalid YAML: Duplicate key id", e.Message);
    }

    [Fact]
    public void Empty_file() => Fails("", 1, 1, "the file is empty");

    [Fact]
    public void Several_errors_are_reported_together_in_file_order()
    {
        var yaml = Minimal.Replace("id: minimal", "id: Bad", StringComparison.Ordinal) + "  fetch: { retries: -1 }\ntarget: { zarr_format: 4 }\n";
        var e = Fails(yaml, 2, 5, "invalid id");
        Assert.Equal(3, e.Errors.Length);
        Assert.Equal((9, 21), (e.Errors[1].Line, e.Errors[1].Column));
        Assert.Equal((10, 24), (e.Errors[2].Line, e.Errors[2].Column));
        Assert.Equal(3, e.Message.Split('\n').Length);
        Assert.All(e.Message.Split('\n'), line => Assert.StartsWith("r.yaml:", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_name_the_real_file()
    {
        using var dir = new TempRecipeDir();
        var path = dir.Write("bad.yaml", Minimal + "tagret: {}\n");
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadRecipe(path));
        Assert.StartsWith($"{path}:9:1: unknown key 'tagret'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_recipe_error()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadRecipe("/nonexistent/forge/r.yaml"));
        Assert.Equal("/nonexistent/forge/r.yaml:1:1: cannot read recipe file: no such file", e.Message);
    }
}
