//! The local-directory fast path for ranged reads: positioned reads (`pread`) on tokio's blocking
//! pool, io_uring batches, or memory maps, chosen by [`LocalRead`].
//!
//! `object_store`'s `LocalFileSystem` opens the file and spawns one blocking task per range; this
//! file reads all the fetches of one planned read from one open file. It only reads: writes,
//! listings and whole-object reads stay with `object_store`, so staging, fsync and atomic renames
//! keep their guarantees. It must not interpret keys (the store hands it a path inside the root).
//!
//! Why the default is [`LocalRead::Pread`]: measured by `benches/io.rs` (`local/*`) and recorded
//! in the crate docs. io_uring is probed once per process; where the kernel or a container refuses
//! it (EPERM, ENOSYS, a seccomp filter) reads fall back to `pread` without an error. Memory maps
//! are only safe on files nobody truncates or rewrites in place: floe's objects are immutable once
//! written and `LocalFileSystem` replaces a file by renaming a fully written one over it, which
//! leaves an existing map on the old, unchanged inode.

#![allow(unsafe_code)] // memory maps and io_uring submissions; each block says why it is sound

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use bytes::Bytes;

/// How a local directory serves ranged reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LocalRead {
    /// `pread` on tokio's blocking pool, the fetches of one read spread over a few threads.
    #[default]
    Pread,
    /// One io_uring batch per read (Linux); `pread` where io_uring is unavailable.
    IoUring,
    /// A memory map of the file; the returned bytes borrow the map (no copy). Page faults happen
    /// where the bytes are first touched, so a cold read pays its I/O in the decoder.
    Mmap,
    /// `object_store`'s own local reads (one blocking task per fetch).
    ObjectStore,
}

impl FromStr for LocalRead {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "pread" => Ok(Self::Pread),
            "io_uring" | "uring" => Ok(Self::IoUring),
            "mmap" => Ok(Self::Mmap),
            "object_store" => Ok(Self::ObjectStore),
            _ => Err(format!(
                "unknown local read method {s:?} (pread, io_uring, mmap or object_store)"
            )),
        }
    }
}

/// Why a local read failed.
#[derive(Debug)]
pub(crate) enum LocalFailure {
    /// The file does not exist.
    NotFound,
    /// The file ends before a fetch does.
    Short {
        size: u64,
    },
    Io(std::io::Error),
}

impl From<std::io::Error> for LocalFailure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            Self::NotFound
        } else {
            Self::Io(e)
        }
    }
}

/// A local directory's ranged reader.
#[derive(Debug, Clone)]
pub(crate) struct LocalReader {
    pub(crate) dir: PathBuf,
    pub(crate) method: LocalRead,
}

/// Fetches of one read are spread over at most this many blocking threads.
const PREAD_THREADS: usize = 4;

impl LocalReader {
    /// Reads `fetches` (non-empty ranges) of the file at `relative` under the directory, in order.
    pub(crate) async fn read(
        &self,
        relative: &str,
        fetches: Vec<Range<u64>>,
    ) -> Result<Vec<Bytes>, LocalFailure> {
        let path = self.dir.join(relative);
        match self.method {
            LocalRead::Pread | LocalRead::ObjectStore => pread_parallel(path, fetches).await,
            LocalRead::IoUring => blocking(move || uring::read(&path, &fetches)).await,
            LocalRead::Mmap => blocking(move || mmap(&path, &fetches)).await,
        }
    }
}

/// Every file below `dir/prefix`, recursively, as '/'-joined paths relative to `dir`, unsorted;
/// `None` when a name is not plain (see [`plain`]), so that the caller lists through
/// `object_store`, whose name mapping then decides. Only directory entries are read: on Linux
/// file systems an entry carries its type, so no file is stat'ed (`object_store`'s listing stats
/// each file three times). In-progress uploads (`name#n`) are skipped, as `object_store` skips
/// them. A missing directory, or a prefix naming a file, lists nothing; a subdirectory removed
/// during the walk is skipped. Symbolic links also give `None`.
pub(crate) fn list_files(dir: &Path, prefix: &str) -> std::io::Result<Option<Vec<String>>> {
    let mut files = Vec::new();
    let mut pending = vec![(dir.join(prefix), prefix.to_owned())];
    while let Some((path, relative)) = pending.pop() {
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if gone(&e) => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) if gone(&e) => continue,
                Err(e) => return Err(e),
            };
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Ok(None);
            };
            if upload(name) {
                continue;
            }
            let kind = entry.file_type()?;
            if !plain(name) || !(kind.is_dir() || kind.is_file()) {
                return Ok(None);
            }
            let child = if relative.is_empty() {
                name.to_owned()
            } else {
                format!("{relative}/{name}")
            };
            if kind.is_dir() {
                pending.push((entry.path(), child));
            } else {
                files.push(child);
            }
        }
    }
    Ok(Some(files))
}

/// A name every store keeps and lists as it is: ASCII letters, digits, `-`, `_`, `.` and `=`,
/// and not `.` or `..` (floe's own keys are made of these).
fn plain(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// `object_store`'s name for a file it is still writing: the object's name, `#`, a number.
fn upload(name: &str) -> bool {
    name.rsplit_once('#').is_some_and(|(object, n)| {
        !object.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Whether a directory read failed because the directory is not there (any more).
fn gone(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LocalFailure> + Send + 'static,
) -> Result<T, LocalFailure> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| LocalFailure::Io(std::io::Error::other(e)))?
}

/// One open, then the fetches spread round-robin over up to [`PREAD_THREADS`] blocking tasks.
async fn pread_parallel(
    path: PathBuf,
    fetches: Vec<Range<u64>>,
) -> Result<Vec<Bytes>, LocalFailure> {
    let file = Arc::new(blocking(move || Ok(File::open(path)?)).await?);
    let threads = fetches.len().clamp(1, PREAD_THREADS);
    if threads == 1 {
        return blocking(move || pread_all(&file, &fetches)).await;
    }
    let mut tasks = Vec::with_capacity(threads);
    for t in 0..threads {
        let mine: Vec<Range<u64>> = fetches.iter().skip(t).step_by(threads).cloned().collect();
        let file = Arc::clone(&file);
        tasks.push(blocking(move || pread_all(&file, &mine)));
    }
    let parts = futures::future::try_join_all(tasks).await?;
    let mut parts: Vec<std::vec::IntoIter<Bytes>> = parts.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::with_capacity(fetches.len());
    for i in 0..fetches.len() {
        let next = parts.get_mut(i % threads).and_then(Iterator::next);
        out.push(next.ok_or_else(|| LocalFailure::Io(std::io::Error::other("lost a fetch")))?);
    }
    Ok(out)
}

fn pread_all(file: &File, fetches: &[Range<u64>]) -> Result<Vec<Bytes>, LocalFailure> {
    fetches.iter().map(|r| pread_one(file, r)).collect()
}

fn pread_one(file: &File, range: &Range<u64>) -> Result<Bytes, LocalFailure> {
    let len = usize::try_from(range.end - range.start)
        .map_err(|_| LocalFailure::Io(std::io::Error::other("range too long")))?;
    let mut buf = vec![0u8; len];
    match file.read_exact_at(&mut buf, range.start) {
        Ok(()) => Ok(Bytes::from(buf)),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(short(file)),
        Err(e) => Err(e.into()),
    }
}

fn short(file: &File) -> LocalFailure {
    match file.metadata() {
        Ok(meta) => LocalFailure::Short { size: meta.len() },
        Err(e) => e.into(),
    }
}

fn mmap(path: &Path, fetches: &[Range<u64>]) -> Result<Vec<Bytes>, LocalFailure> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if fetches.iter().any(|r| r.end > size) {
        return Err(LocalFailure::Short { size });
    }
    if size == 0 {
        return Ok(vec![Bytes::new(); fetches.len()]);
    }
    // SAFETY: the map is only sound while nobody truncates or rewrites the file in place. floe's
    // objects are written once, and `LocalFileSystem` replaces a file by renaming a complete one
    // over it, so a live map always sees the old inode, unchanged (see the module docs).
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let whole = Bytes::from_owner(map);
    fetches
        .iter()
        .map(|r| {
            let start = usize::try_from(r.start).map_err(|_| LocalFailure::Short { size })?;
            let end = usize::try_from(r.end).map_err(|_| LocalFailure::Short { size })?;
            Ok(whole.slice(start..end))
        })
        .collect()
}

#[cfg(target_os = "linux")]
mod uring {
    //! io_uring batches: every fetch of a read submitted at once, on a ring kept per blocking
    //! thread; whatever the ring cannot do falls back to `pread`.

    use std::cell::RefCell;
    use std::fs::File;
    use std::ops::Range;
    use std::os::fd::AsRawFd;
    use std::path::Path;
    use std::sync::OnceLock;

    use bytes::Bytes;
    use io_uring::{IoUring, opcode, types};

    use super::{LocalFailure, pread_all, pread_one, short};

    const RING_ENTRIES: u32 = 64;

    thread_local! {
        static RING: RefCell<Option<IoUring>> = const { RefCell::new(None) };
    }

    /// Whether this process may use io_uring at all, probed once.
    pub(crate) fn available() -> bool {
        static PROBE: OnceLock<bool> = OnceLock::new();
        *PROBE.get_or_init(|| match IoUring::new(2) {
            Ok(_) => true,
            Err(e) => {
                tracing::debug!(error = %e, "io_uring unavailable; local reads use pread");
                false
            }
        })
    }

    pub(crate) fn read(path: &Path, fetches: &[Range<u64>]) -> Result<Vec<Bytes>, LocalFailure> {
        let file = File::open(path)?;
        if !available() {
            return pread_all(&file, fetches);
        }
        RING.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                match IoUring::new(RING_ENTRIES) {
                    Ok(ring) => *slot = Some(ring),
                    Err(_) => return pread_all(&file, fetches),
                }
            }
            let Some(ring) = slot.as_mut() else {
                return pread_all(&file, fetches);
            };
            match batch(ring, &file, fetches) {
                Ok(read) => read,
                Err(e) => {
                    // Operations may still be in flight on this ring: drop it (its buffers were
                    // leaked by `batch`) and serve this read by pread.
                    tracing::debug!(error = %e, "io_uring batch failed; falling back to pread");
                    *slot = None;
                    pread_all(&file, fetches)
                }
            }
        })
    }

    /// The outer error means the ring itself failed; the inner result is the read's.
    fn batch(
        ring: &mut IoUring,
        file: &File,
        fetches: &[Range<u64>],
    ) -> std::io::Result<Result<Vec<Bytes>, LocalFailure>> {
        let mut bufs: Vec<Vec<u8>> = Vec::with_capacity(fetches.len());
        for r in fetches {
            let Ok(len) = usize::try_from(r.end - r.start) else {
                return Ok(Err(LocalFailure::Io(std::io::Error::other(
                    "range too long",
                ))));
            };
            bufs.push(vec![0u8; len]);
        }
        let mut done: Vec<Option<usize>> = vec![None; fetches.len()];
        let fd = types::Fd(file.as_raw_fd());
        let window = RING_ENTRIES as usize;
        for first in (0..fetches.len()).step_by(window) {
            let last = (first + window).min(fetches.len());
            for i in first..last {
                let buf = &mut bufs[i];
                // A longer read is split by the kernel anyway; cap at what a u32 can say and let
                // the pread fallback finish it.
                let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
                let entry = opcode::Read::new(fd, buf.as_mut_ptr(), len)
                    .offset(fetches[i].start)
                    .build()
                    .user_data(i as u64);
                // SAFETY: the buffer and the file outlive the operation: they are dropped only
                // after `drain` has reaped every entry of this window; if draining fails, the
                // buffers are leaked and the caller drops the ring, so no operation can write
                // into freed memory.
                let pushed = unsafe { ring.submission().push(&entry) };
                if pushed.is_err() {
                    if let Err(e) = drain(ring, &mut done, i - first) {
                        std::mem::forget(bufs);
                        return Err(e);
                    }
                    return Ok(pread_all(file, fetches));
                }
            }
            if let Err(e) = drain(ring, &mut done, last - first) {
                std::mem::forget(bufs);
                return Err(e);
            }
        }
        let mut out = Vec::with_capacity(fetches.len());
        for (i, (buf, got)) in bufs.into_iter().zip(done).enumerate() {
            match got {
                Some(n) if n == buf.len() => out.push(Bytes::from(buf)),
                Some(0) => return Ok(Err(short(file))),
                // A short read or an errno: pread says whether it is a true end of file, and
                // reports an error in its own words.
                _ => match pread_one(file, &fetches[i]) {
                    Ok(bytes) => out.push(bytes),
                    Err(e) => return Ok(Err(e)),
                },
            }
        }
        Ok(Ok(out))
    }

    /// Submits what is queued and reaps `want` completions.
    fn drain(ring: &mut IoUring, done: &mut [Option<usize>], want: usize) -> std::io::Result<()> {
        let mut reaped = 0;
        while reaped < want {
            match ring.submit_and_wait(want - reaped) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            for cqe in ring.completion() {
                reaped += 1;
                let i = usize::try_from(cqe.user_data()).unwrap_or(usize::MAX);
                if let Some(slot) = done.get_mut(i) {
                    *slot = usize::try_from(cqe.result()).ok();
                }
            }
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
mod uring {
    //! No io_uring off Linux: `pread`.
    use super::*;

    pub(crate) fn available() -> bool {
        false
    }

    pub(crate) fn read(path: &Path, fetches: &[Range<u64>]) -> Result<Vec<Bytes>, LocalFailure> {
        pread_all(&File::open(path)?, fetches)
    }
}

/// Asks the kernel to drop `path`'s cached pages (`posix_fadvise(DONTNEED)`), so the next read
/// of it is cold; for benches. Linux honours it for clean pages; elsewhere it does nothing.
pub fn evict_from_page_cache(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let file = File::open(path)?;
        // SAFETY: a plain system call on a descriptor that stays open for its duration.
        let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = path;
    Ok(())
}

/// Whether io_uring works in this process (probed once).
pub fn io_uring_available() -> bool {
    uring::available()
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is a failed test
#[allow(clippy::single_range_in_vec_init)] // lists of one byte range
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_method_reads_the_same_bytes_and_reports_short_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(dir.path().join("obj"), &data).expect("write");
        let fetches = vec![0..10, 5..100_000, 299_990..300_000, 123_456..234_567, 7..8];
        for method in [
            LocalRead::Pread,
            LocalRead::IoUring,
            LocalRead::Mmap,
            LocalRead::ObjectStore,
        ] {
            let reader = LocalReader {
                dir: dir.path().to_owned(),
                method,
            };
            let got = reader.read("obj", fetches.clone()).await.expect("read");
            assert_eq!(got.len(), fetches.len());
            for (r, bytes) in fetches.iter().zip(&got) {
                assert_eq!(
                    bytes.as_ref(),
                    &data[r.start as usize..r.end as usize],
                    "{method:?}"
                );
            }
            let past = reader.read("obj", vec![299_000..300_001]).await;
            assert!(
                matches!(past, Err(LocalFailure::Short { size: 300_000 })),
                "{method:?}: {past:?}"
            );
            let missing = reader.read("nope", vec![0..1]).await;
            assert!(
                matches!(missing, Err(LocalFailure::NotFound)),
                "{method:?}: {missing:?}"
            );
        }
    }

    #[test]
    fn methods_parse_by_name() {
        assert_eq!("PREAD".parse(), Ok(LocalRead::Pread));
        assert_eq!("io_uring".parse(), Ok(LocalRead::IoUring));
        assert_eq!("mmap".parse(), Ok(LocalRead::Mmap));
        assert!("aio".parse::<LocalRead>().is_err());
    }
}
