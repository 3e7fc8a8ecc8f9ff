//! The `floe` command line: generate, import, read, export, list and benchmark libraries. This file owns
//! argument parsing, logging set-up and exit codes; each command lives in its own module.
//!
//! Exit codes: 0 success, 1 user error (bad input, missing symbol, conflict), 2 storage failure.

mod bench;
mod csv_in;
mod demo;
mod export;
mod files;
mod generate;
mod import;
mod jsonl;
mod parse;
mod peers;
mod progress;
mod read;
mod text;

use clap::{Parser, Subcommand};
use floe::Library;
use std::path::PathBuf;
use std::process::ExitCode;

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
