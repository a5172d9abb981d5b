//! Opening a generation without writing to it.
//!
//! tantivy's reader takes a lock file in the index folder (`.tantivy-meta.lock`,
//! which guards against a writer's garbage collection), so a folder mounted
//! read-only could not be opened. A generation is never written again once
//! built ([`super::build`] commits it before `CURRENT` names it, and nothing
//! writes to it afterwards), so there is nothing to guard against: this
//! directory hands out locks that lock nothing, and refuses writes.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::Index;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

use super::{IndexError, io_err};

/// Opens the index in `dir` read-only.
pub(super) fn open(dir: &Path) -> Result<Index, IndexError> {
    let mmap = MmapDirectory::open(dir).map_err(|e| io_err(dir, e))?;
    Index::open(ReadOnly {
        inner: mmap,
        root: dir.to_path_buf(),
    })
    .map_err(|e| io_err(dir, e))
}

#[derive(Clone, Debug)]
struct ReadOnly {
    inner: MmapDirectory,
    root: PathBuf,
}

fn read_only(root: &Path, path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{}: an index generation is opened read-only",
            root.join(path).display()
        ),
    )
}

impl Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(&self.root, path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(&self.root, path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(&self.root, path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        // nothing writes to a built generation: a lock guards nothing
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        // readers are reloaded by hand (never: a generation does not change)
        Ok(WatchHandle::empty())
    }
}
