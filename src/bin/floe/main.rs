//! The `floe` command line: generate, import, read, export, list and benchmark libraries. This file owns
//! argument parsing, logging set-up and exit codes; each command lives in its own module.
//!
//! Exit codes: 0 success, 1 user error (bad input, missing symbol, conflict), 2 storage failure.

mod admin;
mod bench;
mod chart;
mod csv_in;
mod demo;
mod export;
mod files;
mod generate;
mod import;
mod jsonl;
mod machine;
mod parse;
mod peers;
mod progress;
mod read;
mod report;
mod text;

use clap::{Parser, Subcommand};
use floe::Library;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc keeps freed pages for reuse, so decoding into fresh buffers does not pay a page
/// fault per 4 KiB on every read, which on glibc's allocator also serialises worker threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Where the library lives when neither --store nor FLOE_STORE says.
const DEFAULT_STORE: &str = "./floe-data";

/// floe: versioned tick data on object storage, no server.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Library location: a directory, file://, memory://, s3://bucket/prefix, gs://..., az://...
    /// [default: ./floe-data; `bench` uses a fresh temporary directory]
    #[arg(long, global = true, env = "FLOE_STORE")]
    store: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate quotes for a few symbols, write, append, read back and report speed and size.
    Demo {
        /// Rows per symbol.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Number of symbols.
        #[arg(long, default_value_t = 4)]
        symbols: usize,
    },
    /// Generate a synthetic dataset file (Parquet or CSV, by extension).
    Gen {
        /// quotes or trades.
        kind: generate::Kind,
        /// Rows in total.
        #[arg(long)]
        rows: usize,
        /// Number of symbols (a `symbol` column is added when more than one).
        #[arg(long, default_value_t = 1)]
        symbols: usize,
        /// Random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Output file, .parquet or .csv.
        #[arg(long)]
        out: PathBuf,
    },
    /// Import CSV, JSON-lines or Parquet files (or a Binance capture, a LOBSTER sample) as one
    /// version per symbol.
    Import(import::Args),
    /// Read a symbol and print or save it.
    Read(read::Args),
    /// Write a symbol to a CSV or Parquet file.
    Export(export::Args),
    /// List symbols.
    Ls,
    /// List a symbol's versions, newest first.
    Versions {
        /// The symbol.
        symbol: String,
    },
    /// Delete a symbol (a tombstone version), or with --from/--to only the rows in that range.
    Delete {
        /// The symbol.
        symbol: String,
        /// First timestamp to delete: RFC 3339 or integer ns.
        #[arg(long)]
        from: Option<String>,
        /// Timestamp to stop before (exclusive).
        #[arg(long)]
        to: Option<String>,
    },
    /// Replace the rows of a range (default: the file's first..last timestamp) by a file's rows.
    Update {
        /// The symbol.
        symbol: String,
        /// Parquet or CSV file with the new rows.
        file: PathBuf,
        /// Index column (default: the first timestamp column).
        #[arg(long)]
        index: Option<String>,
        /// Start of the range replaced (inclusive): RFC 3339 or integer ns.
        #[arg(long)]
        from: Option<String>,
        /// End of the range replaced (exclusive).
        #[arg(long)]
        to: Option<String>,
    },
    /// Show how a version is stored: segments, bytes and encodings per column.
    Inspect {
        /// The symbol.
        symbol: String,
        /// Version (default: latest).
        #[arg(long)]
        as_of: Option<u64>,
    },
    /// Create, list or delete snapshots.
    Snapshot {
        #[command(subcommand)]
        command: admin::Snapshot,
    },
    /// Hide all but the newest versions of a symbol (gc reclaims them later).
    Prune {
        /// The symbol.
        symbol: String,
        /// Versions to keep.
        #[arg(long, default_value_t = 1)]
        keep: usize,
    },
    /// Delete pruned versions and unreferenced segments older than the grace period.
    Gc {
        /// Grace period in seconds: objects younger than this are kept for readers in flight.
        #[arg(long, default_value_t = 600)]
        grace: u64,
    },
    /// Commit every staged part of a symbol (from `import --stage`) as one version.
    Finalize {
        /// The symbol.
        symbol: String,
        /// Append after the symbol's tail instead of replacing its data.
        #[arg(long)]
        append: bool,
        /// Merge parts whose time ranges overlap instead of refusing them.
        #[arg(long)]
        merge: bool,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        which: bench::Which,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("FLOE_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floe: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let location = cli.store.as_deref().unwrap_or(DEFAULT_STORE);
    match cli.command {
        Command::Demo { rows, symbols } => demo::run(&open(location).await?, rows, symbols).await,
        Command::Gen {
            kind,
            rows,
            symbols,
            seed,
            out,
        } => generate::run(kind, rows, symbols, seed, &out),
        Command::Import(args) => import::run(&open(location).await?, &args).await,
        Command::Read(args) => read::run(&open(location).await?, &args).await,
        Command::Export(args) => export::run(&open(location).await?, &args).await,
        Command::Ls => {
            for symbol in open(location).await?.list_symbols().await? {
                println!("{symbol}");
            }
            Ok(())
        }
        Command::Versions { symbol } => read::versions(&open(location).await?, &symbol).await,
        Command::Delete { symbol, from, to } => {
            admin::delete(
                &open(location).await?,
                &symbol,
                from.as_deref(),
                to.as_deref(),
            )
            .await
        }
        Command::Update {
            symbol,
            file,
            index,
            from,
            to,
        } => {
            let lib = open(location).await?;
            admin::update(
                &lib,
                &symbol,
                &file,
                index.as_deref(),
                from.as_deref(),
                to.as_deref(),
            )
            .await
        }
        Command::Inspect { symbol, as_of } => {
            admin::inspect(&open(location).await?, &symbol, as_of).await
        }
        Command::Snapshot { command } => admin::snapshot(&open(location).await?, &command).await,
        Command::Prune { symbol, keep } => {
            admin::prune(&open(location).await?, &symbol, keep).await
        }
        Command::Finalize {
            symbol,
            append,
            merge,
        } => admin::finalize(&open(location).await?, &symbol, append, merge).await,
        Command::Gc { grace } => admin::gc(&open(location).await?, grace).await,
        Command::Bench { which } => bench::run(which, cli.store.as_deref()).await,
    }
}

async fn open(location: &str) -> anyhow::Result<Library> {
    Ok(Library::open(location).await?)
}

/// 2 for storage failures, 1 for everything else the user can fix.
fn exit_code(e: &anyhow::Error) -> u8 {
    match e.downcast_ref::<floe::Error>() {
        Some(floe::Error::Storage(_)) => 2,
        _ => 1,
    }
}
