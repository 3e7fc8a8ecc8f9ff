//! Turning a location string ("memory://", "file:///dir", a directory path, "s3://bucket/prefix",
//! "gs://...", "az://...") plus options into an `object_store` backend and a root prefix inside it.
//!
//! This file only builds backends: it must not issue requests (opening a store never touches the
//! network) and must not know about keys beyond validating the root prefix. Cloud backends exist
//! only when their cargo feature (`aws`, `gcp`, `azure`) is on; without it their schemes are an
//! [`Error::InvalidLocation`] that names the feature.

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::ObjectStoreScheme;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use url::Url;

use crate::error::{Error, Result};
use crate::key::Root;
use crate::local::LocalRead;
use crate::planner::ReadPlanner;

/// The kind of backend behind a store, which decides its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Memory,
    /// A local directory: listings may show empty or half-written directories.
    Local,
    Cloud,
    /// Supplied by the caller; nothing is known about it.
    Custom,
}

impl Backend {
    /// Default cap on requests in flight: cloud stores want many, local disks a handful.
    pub(crate) fn default_max_in_flight(self) -> usize {
        match self {
            Self::Cloud => crate::CLOUD_MAX_IN_FLIGHT,
            Self::Memory | Self::Local | Self::Custom => 16,
        }
    }

    /// Default number of fetches one planned read issues at once: a remote store hides its
    /// latency behind many requests in flight, a local disk or memory gains little past a few.
    pub(crate) fn default_read_concurrency(self) -> usize {
        match self {
            Self::Cloud => 32,
            Self::Memory | Self::Local | Self::Custom => 8,
        }
    }

    /// Default planner of `get_ranges`: a remote store bridges gaps up to 1 MiB and splits huge
    /// ranges; memory and a local disk only merge touching ranges (a bridged gap is bytes copied
    /// for nothing when a request costs microseconds).
    pub(crate) fn default_planner(self) -> ReadPlanner {
        match self {
            Self::Cloud | Self::Custom => ReadPlanner::new(),
            Self::Memory | Self::Local => ReadPlanner::new().with_max_gap(0),
        }
    }

    /// Whether a directory in a delimited listing may hold no object at all. Object stores only
    /// report prefixes of existing objects, but a local directory outlives its files and holds
    /// staged uploads; an unknown backend might be either.
    pub(crate) fn may_list_empty_dirs(self) -> bool {
        matches!(self, Self::Local | Self::Custom)
    }
}

/// A backend ready for use.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) store: Arc<dyn ObjectStore>,
    pub(crate) root: Root,
    /// What `Store::location` returns: the location as given, or the canonical directory.
    pub(crate) location: String,
    pub(crate) backend: Backend,
    /// The directory of a local store.
    pub(crate) local_dir: Option<std::path::PathBuf>,
    pub(crate) settings: Settings,
}

/// Store settings any location takes as options, besides its backend's own.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Settings {
    /// `max_in_flight`: cap on requests in flight.
    pub(crate) max_in_flight: Option<usize>,
    /// `read_concurrency`: fetches one `get_ranges` issues at once.
    pub(crate) read_concurrency: Option<usize>,
    /// `max_gap`: bytes of gap `get_ranges` bridges.
    pub(crate) max_gap: Option<u64>,
    /// `multipart_threshold`: bytes above which `put` uploads in parts.
    pub(crate) multipart_threshold: Option<u64>,
    /// `local_read`: `pread`, `io_uring`, `mmap` or `object_store` (local directories only).
    pub(crate) local_read: Option<LocalRead>,
    /// `max_retries` (cloud stores only): retries of a failed request; 0 disables them.
    pub(crate) max_retries: Option<usize>,
    /// `retry_timeout_secs` (cloud stores only): no retry starts this long after the first try.
    pub(crate) retry_timeout_secs: Option<u64>,
}

/// Names of the options every store takes (case-insensitive).
const SETTINGS: [&str; 7] = [
    "max_in_flight",
    "read_concurrency",
    "max_gap",
    "multipart_threshold",
    "local_read",
    "max_retries",
    "retry_timeout_secs",
];

/// Takes the store settings out of `options`, leaving the backend's own.
fn settings(location: &str, options: &mut Vec<(String, String)>) -> Result<Settings> {
    let mut out = Settings::default();
    let mut rest = Vec::with_capacity(options.len());
    for (key, value) in options.drain(..) {
        let lower = key.to_ascii_lowercase();
        if !SETTINGS.contains(&lower.as_str()) {
            rest.push((key, value));
            continue;
        }
        let bad = |what: &str| {
            Error::invalid_location(
                location,
                format!("option {key:?} must be {what}, not {value:?}"),
            )
        };
        let number = || {
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| bad("a whole number"))
        };
        let count =
            || number().and_then(|n| usize::try_from(n).map_err(|_| bad("a smaller number")));
        match lower.as_str() {
            "max_in_flight" => out.max_in_flight = Some(count()?.max(1)),
            "read_concurrency" => out.read_concurrency = Some(count()?.max(1)),
            "max_gap" => out.max_gap = Some(number()?),
            "multipart_threshold" => out.multipart_threshold = Some(number()?),
            "local_read" => {
                out.local_read = Some(value.parse().map_err(|e: String| bad(&e))?);
            }
            "max_retries" => out.max_retries = Some(count()?),
            _ => out.retry_timeout_secs = Some(number()?),
        }
    }
    *options = rest;
    Ok(out)
}

/// Option accepted by local directories: `"fsync"` = `"true"` (default) or `"false"`.
const LOCAL_FSYNC_OPTION: &str = "fsync";

/// Opens `location`; `options` go to the cloud builder (overriding the environment) or, for a
/// local directory, may set `fsync`.
pub(crate) fn open(location: &str, mut options: Vec<(String, String)>) -> Result<Opened> {
    if location.is_empty() {
        return Err(Error::invalid_location(location, "empty location"));
    }
    let settings = settings(location, &mut options)?;
    let mut opened = match scheme(location) {
        None => local(location, std::path::Path::new(location), options),
        Some(s) if s.eq_ignore_ascii_case("memory") => memory(location, options),
        Some(s) if s.eq_ignore_ascii_case("file") => {
            let dir = file_url_dir(location)?;
            local(location, &dir, options)
        }
        Some(_) => cloud(location, options, &settings),
    }?;
    if opened.backend != Backend::Cloud
        && (settings.max_retries.is_some() || settings.retry_timeout_secs.is_some())
    {
        return Err(Error::invalid_location(
            location,
            "max_retries and retry_timeout_secs apply to cloud stores only",
        ));
    }
    if opened.backend != Backend::Local && settings.local_read.is_some() {
        return Err(Error::invalid_location(
            location,
            "local_read applies to local directories only",
        ));
    }
    opened.settings = settings;
    Ok(opened)
}

/// The URL scheme of `location`, if it is written as `scheme://...`.
fn scheme(location: &str) -> Option<&str> {
    let (scheme, _) = location.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// `prefix` as a store root; a bad one is an [`Error::InvalidLocation`] for `location`.
pub(crate) fn root(location: &str, prefix: &str) -> Result<Root> {
    Root::new(prefix).map_err(|e| match e {
        Error::InvalidKey { reason, .. } => {
            Error::invalid_location(location, format!("bad prefix {prefix:?}: {reason}"))
        }
        other => other,
    })
}

fn no_options(location: &str, options: &[(String, String)], kind: &str) -> Result<()> {
    match options.first() {
        None => Ok(()),
        Some((key, _)) => Err(Error::invalid_location(
            location,
            format!("{kind} stores take no options (got {key:?})"),
        )),
    }
}

fn memory(location: &str, options: Vec<(String, String)>) -> Result<Opened> {
    no_options(location, &options, "memory")?;
    let prefix = location.split_once("://").map_or("", |(_, rest)| rest);
    Ok(Opened {
        store: Arc::new(InMemory::new()),
        root: root(location, prefix)?,
        location: location.to_owned(),
        backend: Backend::Memory,
        local_dir: None,
        settings: Settings::default(),
    })
}

fn file_url_dir(location: &str) -> Result<std::path::PathBuf> {
    let url = Url::parse(location).map_err(|e| Error::invalid_location(location, e.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_location(
            location,
            "a file URL takes no query or fragment (percent-encode '?' and '#' in names)",
        ));
    }
    url.to_file_path().map_err(|()| {
        Error::invalid_location(
            location,
            "a file URL must name an absolute local path, as file:///dir",
        )
    })
}

fn local(location: &str, dir: &std::path::Path, options: Vec<(String, String)>) -> Result<Opened> {
    let mut fsync = true;
    for (key, value) in &options {
        if !key.eq_ignore_ascii_case(LOCAL_FSYNC_OPTION) {
            return Err(Error::invalid_location(
                location,
                format!("unknown local directory option {key:?} (only {LOCAL_FSYNC_OPTION:?})"),
            ));
        }
        fsync = value.parse().map_err(|_| {
            Error::invalid_location(
                location,
                format!("option {key:?} must be \"true\" or \"false\", not {value:?}"),
            )
        })?;
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::invalid_location(
            location,
            format!("cannot create directory {}: {e}", dir.display()),
        )
    })?;
    let canonical = std::fs::canonicalize(dir).map_err(|e| {
        Error::invalid_location(
            location,
            format!("cannot resolve directory {}: {e}", dir.display()),
        )
    })?;
    let store = LocalFileSystem::new_with_prefix(&canonical)
        .map_err(|e| Error::invalid_location(location, e.to_string()))?
        .with_fsync(fsync);
    Ok(Opened {
        store: Arc::new(store),
        root: Root::default(),
        location: canonical.display().to_string(),
        backend: Backend::Local,
        local_dir: Some(canonical),
        settings: Settings::default(),
    })
}

fn cloud(location: &str, options: Vec<(String, String)>, settings: &Settings) -> Result<Opened> {
    let url = Url::parse(location).map_err(|e| Error::invalid_location(location, e.to_string()))?;
    let (kind, prefix) = ObjectStoreScheme::parse(&url).map_err(|_| {
        Error::invalid_location(
            location,
            format!(
                "unknown scheme {:?}: expected memory://, file://, s3://, gs://, az:// or a \
                 directory path",
                url.scheme()
            ),
        )
    })?;
    let store = match kind {
        ObjectStoreScheme::AmazonS3 => aws(location, options, settings)?,
        ObjectStoreScheme::GoogleCloudStorage => gcp(location, options, settings)?,
        ObjectStoreScheme::MicrosoftAzure => azure(location, options, settings)?,
        ObjectStoreScheme::Http => {
            return Err(Error::invalid_location(
                location,
                "plain HTTP(S) stores are not supported: use s3://, gs:// or az://",
            ));
        }
        other => {
            return Err(Error::invalid_location(
                location,
                format!("unsupported store kind {other:?}"),
            ));
        }
    };
    Ok(Opened {
        store,
        root: root(location, prefix.as_ref())?,
        location: location.to_owned(),
        backend: Backend::Cloud,
        local_dir: None,
        settings: Settings::default(),
    })
}

/// Builds a cloud store: environment first, then the URL, then explicit options (which win).
/// Unknown option keys are an error rather than silently ignored.
#[cfg(any(feature = "aws", feature = "gcp", feature = "azure"))]
macro_rules! build_cloud {
    ($builder:ty, $key:ty, $name:literal, $location:expr, $options:expr, $settings:expr) => {{
        let location: &str = $location;
        let mut builder = <$builder>::from_env()
            .with_url(location)
            .with_retry(retry_config($settings));
        for (key, value) in $options {
            let parsed: $key = key.to_ascii_lowercase().parse().map_err(|_| {
                Error::invalid_location(location, format!("unknown {} option {key:?}", $name))
            })?;
            builder = builder.with_config(parsed, value);
        }
        let store = builder.build().map_err(|e| {
            Error::invalid_location(location, format!("cannot configure {}: {e}", $name))
        })?;
        Ok(Arc::new(store) as Arc<dyn ObjectStore>)
    }};
}

/// Retries of cloud requests: `object_store`'s exponential backoff with decorrelated jitter
/// (first wait 100 ms, each next one drawn up to twice the last, at most 15 s), on connection
/// errors, 5xx answers and throttling (429, S3's SlowDown). A timed-out request is retried only
/// when it is idempotent (reads, overwrites, deletes): a put-if-absent that timed out may have
/// landed, and the commit protocol decides what that means. 10 retries within 3 minutes by
/// default; the `max_retries` and `retry_timeout_secs` options change them.
#[cfg(any(feature = "aws", feature = "gcp", feature = "azure"))]
fn retry_config(settings: &Settings) -> object_store::RetryConfig {
    let mut retry = object_store::RetryConfig::default();
    if let Some(n) = settings.max_retries {
        retry.max_retries = n;
    }
    if let Some(secs) = settings.retry_timeout_secs {
        retry.retry_timeout = std::time::Duration::from_secs(secs);
    }
    retry
}

#[cfg(feature = "aws")]
fn aws(
    location: &str,
    options: Vec<(String, String)>,
    settings: &Settings,
) -> Result<Arc<dyn ObjectStore>> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
    build_cloud!(
        AmazonS3Builder,
        AmazonS3ConfigKey,
        "S3",
        location,
        options,
        settings
    )
}

#[cfg(not(feature = "aws"))]
fn aws(
    location: &str,
    _options: Vec<(String, String)>,
    _settings: &Settings,
) -> Result<Arc<dyn ObjectStore>> {
    Err(feature_off(location, "S3", "aws"))
}

#[cfg(feature = "gcp")]
fn gcp(
    location: &str,
    options: Vec<(String, String)>,
    settings: &Settings,
) -> Result<Arc<dyn ObjectStore>> {
    use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
    build_cloud!(
        GoogleCloudStorageBuilder,
        GoogleConfigKey,
        "GCS",
        location,
        options,
        settings
    )
}

#[cfg(not(feature = "gcp"))]
fn gcp(
    location: &str,
    _options: Vec<(String, String)>,
    _settings: &Settings,
) -> Result<Arc<dyn ObjectStore>> {
    Err(feature_off(location, "Google Cloud Storage", "gcp"))
}

#[cfg(feature = "azure")]
fn azure(
    location: &str,
    options: Vec<(String, String)>,
    settings: &Settings,
) -> Result<Arc<dyn ObjectStore>> {
    use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
    build_cloud!(
        MicrosoftAzureBuilder,
        AzureConfigKey,
        "Azure",
        location,
        options,
        settings
    )
}

#[cfg(not(feature = "azure"))]
fn azure(
    location: &str,
    _options: Vec<(String, String)>,
    _settings: &Settings,
) -> Result<Arc<dyn ObjectStore>> {
    Err(feature_off(location, "Azure Blob Storage", "azure"))
}

#[cfg(any(not(feature = "aws"), not(feature = "gcp"), not(feature = "azure")))]
fn feature_off(location: &str, service: &str, feature: &str) -> Error {
    Error::invalid_location(
        location,
        format!(
            "{service} support is not compiled in: enable floe-io's `{feature}` cargo feature \
             (floe's `{feature}` feature)"
        ),
    )
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
mod tests {
    use super::*;

    #[test]
    fn store_settings_are_taken_out_of_the_options() {
        let options = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let opened = open(
            "memory://",
            options(&[
                ("MAX_IN_FLIGHT", "4"),
                ("read_concurrency", "3"),
                ("max_gap", "0"),
                ("multipart_threshold", "1024"),
            ]),
        )
        .expect("memory with settings");
        let s = opened.settings;
        assert_eq!(
            (
                s.max_in_flight,
                s.read_concurrency,
                s.max_gap,
                s.multipart_threshold
            ),
            (Some(4), Some(3), Some(0), Some(1024))
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_str().expect("utf-8");
        let opened = open(path, options(&[("local_read", "mmap")])).expect("local");
        assert_eq!(opened.settings.local_read, Some(LocalRead::Mmap));

        for (location, pairs, needle) in [
            (
                "memory://",
                options(&[("max_retries", "2")]),
                "cloud stores only",
            ),
            (
                "memory://",
                options(&[("local_read", "pread")]),
                "local directories only",
            ),
            (
                "memory://",
                options(&[("max_in_flight", "many")]),
                "whole number",
            ),
            (
                path,
                options(&[("local_read", "aio")]),
                "unknown local read method",
            ),
        ] {
            match open(location, pairs) {
                Err(Error::InvalidLocation { reason, .. }) => {
                    assert!(reason.contains(needle), "{reason}");
                }
                other => panic!("expected InvalidLocation, got {other:?}"),
            }
        }
    }

    fn open_ok(location: &str) -> Opened {
        match open(location, Vec::new()) {
            Ok(o) => o,
            Err(e) => panic!("{location:?} should open: {e}"),
        }
    }

    fn reason(location: &str, options: Vec<(String, String)>) -> String {
        match open(location, options) {
            Err(Error::InvalidLocation {
                location: l,
                reason,
            }) => {
                assert_eq!(l, location);
                reason
            }
            Err(other) => panic!("{location:?}: expected InvalidLocation, got {other:?}"),
            Ok(o) => panic!(
                "{location:?}: expected InvalidLocation, opened {:?}",
                o.location
            ),
        }
    }

    fn opt(k: &str, v: &str) -> Vec<(String, String)> {
        vec![(k.to_owned(), v.to_owned())]
    }

    #[test]
    fn scheme_is_only_a_url_scheme_before_colon_slash_slash() {
        assert_eq!(scheme("s3://b/p"), Some("s3"));
        assert_eq!(scheme("memory://"), Some("memory"));
        assert_eq!(scheme("./data"), None);
        assert_eq!(scheme("/data/lib"), None);
        assert_eq!(scheme("./odd://name"), None);
        assert_eq!(scheme("C:\\data"), None);
    }

    #[test]
    fn memory_locations() {
        let o = open_ok("memory://");
        assert_eq!(o.backend, Backend::Memory);
        assert_eq!(o.root.as_str(), "");
        assert_eq!(o.location, "memory://");
        assert_eq!(open_ok("memory:///").root.as_str(), "");
        assert_eq!(open_ok("memory:///lib/a").root.as_str(), "lib/a");
        assert!(reason("memory:///a/../b", Vec::new()).contains("bad prefix"));
        assert!(reason("memory://", opt("region", "x")).contains("memory stores take no options"));
    }

    #[test]
    fn local_locations_create_and_canonicalize_the_directory() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let canonical = std::fs::canonicalize(tmp.path()).expect("canonical tempdir");

        let dir = tmp.path().join("plain/nested");
        let o = open_ok(dir.to_str().expect("utf-8 tempdir"));
        assert_eq!(o.backend, Backend::Local);
        assert!(dir.is_dir());
        assert_eq!(
            o.location,
            canonical.join("plain/nested").display().to_string()
        );

        let url = Url::from_file_path(tmp.path().join("via url")).expect("absolute path");
        let o = open_ok(url.as_str());
        assert!(tmp.path().join("via url").is_dir());
        assert_eq!(o.location, canonical.join("via url").display().to_string());

        let with_dots = format!("{}/x/../y", tmp.path().display());
        assert_eq!(
            open_ok(&with_dots).location,
            canonical.join("y").display().to_string()
        );

        let o = open(dir.to_str().expect("utf-8"), opt("FSYNC", "false")).expect("fsync option");
        assert_eq!(o.backend, Backend::Local);
        let d = dir.to_str().expect("utf-8");
        assert!(reason(d, opt("fsync", "maybe")).contains("\"true\" or \"false\""));
        assert!(reason(d, opt("region", "x")).contains("unknown local directory option"));
    }

    #[test]
    fn relative_paths_resolve_against_the_working_directory() {
        // Reach a fresh tempdir from the working directory by a relative path ("../../tmp/...").
        let tmp = tempfile::tempdir().expect("tempdir");
        let cwd = std::env::current_dir().expect("cwd");
        let canonical_cwd = std::fs::canonicalize(&cwd).expect("canonical cwd");
        let canonical_tmp = std::fs::canonicalize(tmp.path()).expect("canonical tempdir");
        let ups = canonical_cwd.components().count().saturating_sub(1);
        let relative = format!(
            "{}{}/rel",
            "../".repeat(ups),
            canonical_tmp.display().to_string().trim_start_matches('/')
        );
        let o = open_ok(&relative);
        assert_eq!(o.location, canonical_tmp.join("rel").display().to_string());
        assert!(canonical_tmp.join("rel").is_dir());
    }

    #[test]
    fn unusable_locations_are_typed_errors() {
        assert_eq!(reason("", Vec::new()), "empty location");
        assert!(reason("ftp://host/x", Vec::new()).contains("unknown scheme \"ftp\""));
        assert!(reason("foo://x", Vec::new()).contains("unknown scheme \"foo\""));
        assert!(reason("https://example.com/x", Vec::new()).contains("not supported"));
        assert!(reason("file://relative/x", Vec::new()).contains("absolute local path"));
        assert!(reason("file:///tmp/a#b", Vec::new()).contains("no query or fragment"));

        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("a-file");
        std::fs::write(&file, b"x").expect("write");
        assert!(
            reason(file.to_str().expect("utf-8"), Vec::new()).contains("cannot create directory")
        );
    }

    #[cfg(feature = "aws")]
    #[test]
    fn s3_opens_without_network_and_keeps_the_prefix() {
        let o = open_ok("s3://bucket/some/prefix");
        assert_eq!(o.backend, Backend::Cloud);
        assert_eq!(o.root.as_str(), "some/prefix");
        assert_eq!(o.location, "s3://bucket/some/prefix");
        assert!(o.store.to_string().contains("bucket"), "{}", o.store);

        let o = open("s3://bucket", opt("AWS_REGION", "eu-west-1")).expect("region option");
        assert_eq!(o.root.as_str(), "");
        assert!(reason("s3://bucket/p", opt("no_such_option", "1")).contains("unknown S3 option"));
    }

    #[cfg(not(feature = "aws"))]
    #[test]
    fn s3_without_the_feature_names_it() {
        let r = reason("s3://bucket/p", Vec::new());
        assert!(r.contains("`aws` cargo feature"), "{r}");
    }

    #[cfg(not(feature = "gcp"))]
    #[test]
    fn gcs_without_the_feature_names_it() {
        let r = reason("gs://bucket/p", Vec::new());
        assert!(r.contains("`gcp` cargo feature"), "{r}");
    }

    #[cfg(not(feature = "azure"))]
    #[test]
    fn azure_without_the_feature_names_it() {
        for location in [
            "az://container/p",
            "abfs://container/p",
            "azure://container/p",
        ] {
            let r = reason(location, Vec::new());
            assert!(r.contains("`azure` cargo feature"), "{location}: {r}");
        }
    }

    #[cfg(feature = "azure")]
    #[test]
    fn azure_options_configure_the_account() {
        let options = vec![
            ("azure_storage_account_name".to_owned(), "acct".to_owned()),
            ("azure_storage_account_key".to_owned(), "a2V5".to_owned()),
        ];
        let o = open("az://container/p", options).expect("azure with account");
        assert_eq!(o.root.as_str(), "p");
        assert_eq!(o.backend, Backend::Cloud);
    }
}
