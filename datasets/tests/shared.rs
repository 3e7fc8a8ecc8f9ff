//! `shared_dataset`: finds the samples listed in SOURCES.md when `../shared/datasets` exists.

use floe_datasets::shared_dataset;

/// File names in the first column of SOURCES.md's table (`| \`name\` | ...`).
fn listed_files(sources: &str) -> Vec<String> {
    sources
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(name, _)| name.to_owned())
        .collect()
}

#[test]
fn finds_every_listed_sample() {
    let Some(sources) = shared_dataset("SOURCES.md") else {
        println!("skipped: no ../shared/datasets/SOURCES.md (set FLOE_SHARED_DATASETS to test)");
        return;
    };
    let text = match std::fs::read_to_string(&sources) {
        Ok(text) => text,
        Err(e) => panic!("cannot read {}: {e}", sources.display()),
    };
    let files = listed_files(&text);
    assert!(
        !files.is_empty(),
        "no files listed in {}",
        sources.display()
    );
    for name in files {
        match shared_dataset(&name) {
            Some(path) => {
                assert!(path.is_file(), "{}", path.display());
                assert!(path.ends_with(&name));
                assert_eq!(path.parent(), sources.parent(), "{name} found elsewhere");
            }
            None => panic!("{name} is listed in SOURCES.md but not found"),
        }
    }
}

#[test]
fn missing_names_are_none() {
    assert_eq!(shared_dataset("no-such-sample-2012-06-21.zip"), None);
    assert_eq!(shared_dataset(""), None);
    assert_eq!(shared_dataset("../datasets/SOURCES.md"), None);
}

#[test]
fn listed_files_parses_the_table() {
    let text = "| file | what |\n| --- | --- |\n| `a.zip` | x |\n| `b.gz` | y |\nprose `c`\n";
    assert_eq!(listed_files(text), ["a.zip", "b.gz"]);
}
