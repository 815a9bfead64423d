//! The plugin workload of the embedding and pool benchmarks: a GPS track
//! as a GeoJSON FeatureCollection of points, and a JS plugin that sums the
//! distances between consecutive points.

#![allow(dead_code)] // each includer uses its part

use serde::Serialize;

/// The plugin: a function of the FeatureCollection.
pub const SUM_JS: &str = r#"(fc => {
    let d = 0;
    const f = fc.features;
    for (let i = 1; i < f.length; i++) {
        const a = f[i - 1].geometry.coordinates, b = f[i].geometry.coordinates;
        d += Math.hypot(b[0] - a[0], b[1] - a[1]) + 0 * f[i].properties.ele;
    }
    return d;
})"#;

#[derive(Serialize)]
pub struct FeatureCollection {
    pub r#type: &'static str,
    pub features: Vec<Feature>,
}
#[derive(Serialize)]
pub struct Feature {
    pub r#type: &'static str,
    pub properties: Properties,
    pub geometry: Geometry,
}
#[derive(Serialize)]
pub struct Properties {
    pub track_fid: u32,
    pub track_seg_id: u32,
    pub track_seg_point_id: u32,
    pub ele: f64,
    pub time: String,
}
#[derive(Serialize)]
pub struct Geometry {
    pub r#type: &'static str,
    pub coordinates: [f64; 2],
}

pub fn feature_collection(n: u32) -> FeatureCollection {
    FeatureCollection {
        r#type: "FeatureCollection",
        features: (0..n)
            .map(|i| Feature {
                r#type: "Feature",
                properties: Properties {
                    track_fid: 0,
                    track_seg_id: 0,
                    track_seg_point_id: i,
                    ele: 100.0 + (i as f64 * 0.37).sin() * 20.0,
                    time: format!("2024-05-01T10:{:02}:{:02}Z", i / 60, i % 60),
                },
                geometry: Geometry {
                    r#type: "Point",
                    coordinates: [13.4 + i as f64 * 1e-4, 52.5 + (i as f64 * 0.1).cos() * 1e-3],
                },
            })
            .collect(),
    }
}
