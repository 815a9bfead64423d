// Only byte slices are borrowed from JS (`&[u8]`); other slices: take Vec<T>.
#[quickjs::js]
fn total(values: &[u32]) -> u32 {
    values.iter().sum()
}

fn main() {}
