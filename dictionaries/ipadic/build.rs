//! Compiles IPADIC from the vendored Debian source archive with lindera's own
//! `DictionaryBuilder`, offline, into `OUT_DIR/ipadic`, then points
//! `LINDERA_WORKDIR` at `OUT_DIR` so `embedded_dictionary!` can embed it.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

const ARCHIVE: &str = "../mecab-ipadic-2.7.0-20070801-debian3.tar.gz";
const SOURCE_DIR: &str = "mecab-ipadic-2.7.0-20070801";

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let archive = manifest.join(ARCHIVE);
    println!("cargo:rerun-if-changed={}", archive.display());
    println!("cargo:rerun-if-changed=metadata.json");
    println!("cargo:rerun-if-changed=build.rs");

    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let src = out.join("source");
    let dict = out.join("ipadic");
    if !src.join(SOURCE_DIR).join("matrix.def").is_file() {
        unpack(&archive, &src)?;
    }
    let metadata: Metadata =
        serde_json::from_str(&fs::read_to_string(manifest.join("metadata.json"))?)?;
    if dict.exists() {
        fs::remove_dir_all(&dict)?;
    }
    fs::create_dir_all(&dict)?;
    DictionaryBuilder::new(metadata).build_dictionary(&src.join(SOURCE_DIR), &dict)?;
    println!("cargo:rustc-env=LINDERA_WORKDIR={}", out.display());
    Ok(())
}

fn unpack(archive: &Path, into: &Path) -> Result<(), Box<dyn Error>> {
    let file = fs::File::open(archive).map_err(|e| {
        format!(
            "cannot open the vendored IPADIC archive {}: {e}",
            archive.display()
        )
    })?;
    fs::create_dir_all(into)?;
    tar::Archive::new(flate2::read::GzDecoder::new(file)).unpack(into)?;
    Ok(())
}
