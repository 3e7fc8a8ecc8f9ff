//! Line-oriented text input shared by the CSV and JSON-lines importers: cutting a file's bytes
//! into chunks of whole lines that parse in parallel, numbering their lines, and splitting a CSV
//! line into fields. It knows nothing of column types.

use std::borrow::Cow;

/// Bytes per chunk handed to one parser task.
pub const CHUNK_BYTES: usize = 4 << 20;

/// A run of whole lines of a file.
pub struct Chunk<'a> {
    pub bytes: &'a [u8],
    /// 1-based line number of the chunk's first line in its file.
    pub first_line: u64,
}

/// Cuts `data` (from byte `start`, which is line `first_line`) into chunks of about
/// [`CHUNK_BYTES`] that end after a newline (the last one at the end of the data).
pub fn chunks(data: &[u8], start: usize, first_line: u64) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut at = start.min(data.len());
    let mut line = first_line;
    while at < data.len() {
        let mut end = (at + CHUNK_BYTES).min(data.len());
        if end < data.len() {
            end = match data[end..].iter().position(|&b| b == b'\n') {
                Some(p) => end + p + 1,
                None => data.len(),
            };
        }
        let bytes = &data[at..end];
        out.push(Chunk {
            bytes,
            first_line: line,
        });
        line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        at = end;
    }
    out
}

/// The lines of a chunk with their numbers, without the `\n` (or `\r\n`); blank lines are
/// skipped.
pub fn lines<'a>(chunk: &Chunk<'a>) -> impl Iterator<Item = (u64, &'a [u8])> {
    let first = chunk.first_line;
    chunk
        .bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(move |(i, line)| (first + i as u64, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.is_empty())
}

/// The first line of `data` and the offset just after it.
pub fn first_line(data: &[u8]) -> (&[u8], usize) {
    match data.iter().position(|&b| b == b'\n') {
        Some(p) => (data[..p].strip_suffix(b"\r").unwrap_or(&data[..p]), p + 1),
        None => (data, data.len()),
    }
}

/// Splits one CSV line into `fields`. A field may be quoted with `"` (holding delimiters and
/// `""` for a quote, but not newlines: records are lines). Fails on bad UTF-8 or a quote that
/// does not close, with a reason.
pub fn split_fields<'a>(
    line: &'a [u8],
    delimiter: u8,
    fields: &mut Vec<Cow<'a, str>>,
) -> Result<(), String> {
    fields.clear();
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8: {e}"))?;
    if !line.contains(&b'"') {
        // `delimiter` is ASCII (checked when options are read), so byte splits are char splits.
        fields.extend(text.split(delimiter as char).map(Cow::Borrowed));
        return Ok(());
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        if bytes.get(at) == Some(&b'"') {
            let mut value = String::new();
            let mut i = at + 1;
            loop {
                match bytes[i..].iter().position(|&b| b == b'"') {
                    None => return Err(format!("quote at byte {} does not close", at + 1)),
                    Some(p) => {
                        value.push_str(&text[i..i + p]);
                        i += p + 1;
                        if bytes.get(i) == Some(&b'"') {
                            value.push('"');
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            fields.push(Cow::Owned(value));
            match bytes.get(i) {
                None => return Ok(()),
                Some(&b) if b == delimiter => at = i + 1,
                Some(_) => {
                    return Err(format!(
                        "text after the closing quote at byte {} of field {}",
                        i + 1,
                        fields.len()
                    ));
                }
            }
        } else {
            match bytes[at..].iter().position(|&b| b == delimiter) {
                Some(p) => {
                    fields.push(Cow::Borrowed(&text[at..at + p]));
                    at += p + 1;
                }
                None => {
                    fields.push(Cow::Borrowed(&text[at..]));
                    return Ok(());
                }
            }
        }
        if at == bytes.len() {
            fields.push(Cow::Borrowed(""));
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Result<Vec<String>, String> {
        let mut fields = Vec::new();
        split_fields(line.as_bytes(), b',', &mut fields)?;
        Ok(fields.into_iter().map(Cow::into_owned).collect())
    }

    #[test]
    fn fields_with_and_without_quotes() {
        assert_eq!(split("a,,b"), Ok(vec!["a".into(), "".into(), "b".into()]));
        assert_eq!(
            split(r#""x,y","say ""hi""",z,"#),
            Ok(vec![
                "x,y".into(),
                r#"say "hi""#.into(),
                "z".into(),
                "".into()
            ])
        );
        assert!(split(r#""open"#).is_err());
        assert!(split(r#""a"b"#).is_err());
    }

    #[test]
    fn chunks_cover_every_line_once() {
        let data: Vec<u8> = (0..700_000)
            .flat_map(|i| format!("{i},x\n").into_bytes())
            .collect();
        let parts = chunks(&data, 0, 1);
        assert!(parts.len() > 1);
        let numbered: Vec<(u64, &[u8])> = parts.iter().flat_map(lines).collect();
        assert_eq!(numbered.len(), 700_000);
        for (n, (line, text)) in numbered.iter().enumerate() {
            assert_eq!(*line, n as u64 + 1);
            assert_eq!(*text, format!("{n},x").as_bytes());
        }
    }
}
