//! What the generator's integration tests share.

use std::path::Path;

/// Every file below `dir`, as sorted paths relative to it with `/` separators.
pub fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("below dir").to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}
