// Slices are not parameters (take quickjs::Bytes or Vec<T>).
#[quickjs::js]
fn checksum(data: &[u8]) -> u32 {
    data.iter().map(|&b| b as u32).sum()
}

fn main() {}
