//! Staged writes: many writers (threads, processes, machines) each upload a part of a symbol
//! without committing, and one finalize turns every staged part into a single version, sorted by
//! the index. This file owns the staged-part object (`st/{esc}/{id}`) and the finalize rules: parts
//! must share a schema, and parts that overlap in time are refused unless the caller asks for a
//! merge (which re-sorts their rows).

use crate::commit::{Commit, Op, Rows};
use crate::library::{Library, VersionInfo, on_rayon};
use crate::manifest::SegmentRef;
use crate::{Error, Result, frame, keys, symbol};
use arrow_array::{RecordBatch, UInt32Array};
use arrow_schema::SchemaRef;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How [`Library::finalize`] commits the staged parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FinalizeOptions {
    /// Append the parts after the symbol's tail instead of replacing its data.
    pub append: bool,
    /// Merge parts whose time ranges overlap (their rows are re-sorted and rewritten) instead of
    /// failing with [`Error::StagedOverlap`].
    pub merge_overlapping: bool,
    /// Caller's metadata for the new version.
    pub metadata: Option<Vec<u8>>,
    /// Commit only these parts (ids returned by [`Library::stage`]), leaving any other staged
    /// part of the symbol staged; `None` commits every staged part. When parts are merged, rows
    /// with equal times keep the order of the parts in this list.
    pub parts: Option<Vec<String>>,
}

/// One staged part as stored: segments already uploaded, not yet in any version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StagedPart {
    pub id: String,
    pub symbol: String,
    pub index: String,
    pub schema: Vec<u8>,
    pub segments: Vec<SegmentRef>,
}

impl StagedPart {
    fn span(&self) -> (i64, i64) {
        let mut data = self.segments.iter().filter(|s| s.rows > 0);
        let first = data.clone().next().map_or(i64::MAX, |s| s.first_ts);
        let last = data.next_back().map_or(i64::MIN, |s| s.last_ts);
        (first, last)
    }
}

impl Library {
    /// Uploads `batch` as a staged part of `symbol`, invisible to readers until
    /// [`Library::finalize`], and returns the part's id. Any number of writers may stage parts
    /// of one symbol concurrently; a writer that wants only its own parts committed passes their
    /// ids in [`FinalizeOptions::parts`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> floe::Result<()> {
    /// use floe::{FinalizeOptions, Library, ReadOptions};
    /// use floe_datasets::{Spec, quotes};
    /// let lib = Library::open("memory://").await?;
    /// let start = Spec::default().start_ns;
    /// lib.stage("AAPL", &quotes(&Spec::new(500).start_ns(start + 10_000_000_000))).await?;
    /// lib.stage("AAPL", &quotes(&Spec::new(500).start_ns(start))).await?;
    /// let v = lib.finalize("AAPL", &FinalizeOptions::default()).await?;
    /// assert_eq!(v.rows, 1_000);
    /// # Ok(()) }
    /// ```
    pub async fn stage(&self, symbol: &str, batch: &RecordBatch) -> Result<String> {
        let esc = symbol::escape(symbol)?;
        let index = frame::validate(batch)?;
        let schema = floe_segment::encode_schema(&batch.schema())?;
        let segments = self.encode_and_upload(&esc, batch, index).await?;
        let part = StagedPart {
            id: uuid::Uuid::new_v4().simple().to_string(),
            symbol: symbol.to_string(),
            index: batch.schema().field(index).name().clone(),
            schema,
            segments,
        };
        let bytes = postcard::to_stdvec(&part).map_err(|e| Error::Task(e.to_string()))?;
        self.store
            .put(&keys::staged(&esc, &part.id), Bytes::from(bytes))
            .await?;
        Ok(part.id)
    }

    /// Commits every staged part of `symbol` as one version, sorted by index; a failure commits
    /// nothing and leaves the parts staged. Parts a previous finalize already committed (it
    /// stopped before removing them) are not committed twice.
    pub async fn finalize(&self, symbol: &str, options: &FinalizeOptions) -> Result<VersionInfo> {
        let esc = symbol::escape(symbol)?;
        let mut parts = self.staged_parts(symbol, &esc).await?;
        if let Some(only) = &options.parts {
            let only: HashSet<&str> = only.iter().map(String::as_str).collect();
            parts.retain(|p| only.contains(p.id.as_str()));
        }
        // Parts an earlier finalize committed before it could delete them.
        let head = self.latest_manifest(symbol, &esc).await?;
        let committed: HashSet<&str> = head
            .iter()
            .filter(|h| !h.deleted)
            .flat_map(|h| h.segments.iter().map(|s| s.id.as_str()))
            .collect();
        let (done, todo): (Vec<_>, Vec<_>) = parts.drain(..).partition(|p| {
            p.segments
                .first()
                .is_some_and(|s| committed.contains(s.id.as_str()))
        });
        let mut parts = todo;
        if parts.is_empty() {
            return match (done.is_empty(), head) {
                (false, Some(head)) => {
                    self.remove_parts(&esc, &done).await?;
                    Ok(VersionInfo::of(&head))
                }
                _ => Err(Error::NothingStaged {
                    symbol: symbol.to_string(),
                }),
            };
        }
        parts.sort_by_key(|p| p.span());
        let first = &parts[0];
        let schema: SchemaRef =
            floe_segment::decode_schema(&first.schema, &keys::staged(&esc, &first.id))?;
        let index = schema.index_of(&first.index)?;
        for p in &parts[1..] {
            let other = floe_segment::decode_schema(&p.schema, &keys::staged(&esc, &p.id))?;
            if other.fields() != schema.fields() || p.index != first.index {
                return Err(Error::SchemaMismatch {
                    symbol: symbol.to_string(),
                    reason: format!(
                        "staged part {} has another schema than part {}",
                        p.id, first.id
                    ),
                });
            }
        }
        let overlap = parts
            .windows(2)
            .find(|w| w[0].span().1 > w[1].span().0)
            .map(|w| format!("part {} ends after part {} starts", w[0].id, w[1].id));
        let rows = match overlap {
            Some(reason) if !options.merge_overlapping => {
                return Err(Error::StagedOverlap {
                    symbol: symbol.to_string(),
                    reason,
                });
            }
            Some(_) => {
                // Rows with equal times keep the caller's order of parts when it gave one.
                let mut in_order = parts.clone();
                if let Some(ids) = &options.parts {
                    in_order.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
                }
                Rows::new(&self.merge_parts(&esc, &in_order, &schema, index).await?)?
            }
            None => Rows::uploaded(
                schema,
                index,
                parts.iter().flat_map(|p| p.segments.clone()).collect(),
            ),
        };
        let op = if options.append {
            Op::Append(rows)
        } else {
            Op::Write(rows)
        };
        let manifest = self
            .commit(&Commit::new(symbol, &esc, op, options.metadata.clone()))
            .await?;
        parts.extend(done);
        // The version is committed: parts left behind by a failure here are recognised as
        // committed by the next finalize, so they are not an error of this one.
        if let Err(e) = self.remove_parts(&esc, &parts).await {
            tracing::warn!(symbol, error = %e, "finalized, but staged parts were not removed");
        }
        Ok(VersionInfo::of(&manifest))
    }

    /// Drops every staged part of `symbol` without committing it (gc reclaims the segments).
    pub async fn discard_staged(&self, symbol: &str) -> Result<usize> {
        let esc = symbol::escape(symbol)?;
        let parts = self.staged_parts(symbol, &esc).await?;
        self.remove_parts(&esc, &parts).await?;
        Ok(parts.len())
    }

    /// Drops the staged parts of `symbol` with these ids (as [`Library::stage`] returned them)
    /// without committing them; ids no longer staged are skipped. Returns how many were dropped.
    pub async fn discard_parts(&self, symbol: &str, ids: &[String]) -> Result<usize> {
        let esc = symbol::escape(symbol)?;
        let only: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut parts = self.staged_parts(symbol, &esc).await?;
        parts.retain(|p| only.contains(p.id.as_str()));
        self.remove_parts(&esc, &parts).await?;
        Ok(parts.len())
    }

    /// Number of staged parts and their rows.
    pub async fn staged(&self, symbol: &str) -> Result<(usize, u64)> {
        let esc = symbol::escape(symbol)?;
        let parts = self.staged_parts(symbol, &esc).await?;
        let rows = parts
            .iter()
            .flat_map(|p| p.segments.iter())
            .map(|s| s.rows)
            .sum();
        Ok((parts.len(), rows))
    }

    pub(crate) async fn staged_parts(&self, symbol: &str, esc: &str) -> Result<Vec<StagedPart>> {
        let mut parts = Vec::new();
        for object in self.store.list(&keys::staged_dir(esc)).await? {
            let bytes = match self.store.get(&object.key).await {
                Ok(b) => b,
                // Finalized or discarded between the LIST and the GET.
                Err(floe_io::Error::NotFound { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            let part: StagedPart = postcard::from_bytes(&bytes).map_err(|e| Error::Corrupt {
                key: object.key.clone(),
                reason: format!("staged part: {e}"),
            })?;
            if part.symbol != symbol {
                return Err(Error::Corrupt {
                    key: object.key.clone(),
                    reason: "staged part names another symbol".into(),
                });
            }
            parts.push(part);
        }
        Ok(parts)
    }

    async fn remove_parts(&self, esc: &str, parts: &[StagedPart]) -> Result<()> {
        for p in parts {
            match self.store.delete(&keys::staged(esc, &p.id)).await {
                Ok(()) | Err(floe_io::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Reads overlapping parts and sorts their rows by index (stable: equal timestamps keep part
    /// order).
    async fn merge_parts(
        &self,
        esc: &str,
        parts: &[StagedPart],
        schema: &SchemaRef,
        index: usize,
    ) -> Result<RecordBatch> {
        let mut batches = Vec::new();
        for part in parts {
            for s in &part.segments {
                batches.push(self.segment_batch(esc, s, schema).await?);
            }
        }
        let schema = schema.clone();
        on_rayon(move || {
            let all = arrow_select::concat::concat_batches(&schema, &batches)?;
            let ts = frame::index_values(&all, index);
            let mut order: Vec<u32> = (0..all.num_rows() as u32).collect();
            order.sort_by_key(|&i| ts[i as usize]);
            let indices = UInt32Array::from(order);
            let columns = all
                .columns()
                .iter()
                .map(|c| arrow_select::take::take(c, &indices, None))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok(RecordBatch::try_new(schema, columns)?)
        })
        .await?
    }
}
