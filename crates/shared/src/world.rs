//! Country shapes for the Geographical spread map, shared by the server's renderer and
//! the browser app, so both draw the same map. The server compiles the outlines in
//! ([`WORLD_110M`]); the browser app fetches the same file from its own instance
//! (Trunk copies it into the app's folder as `world-110m.txt`) and reads it with
//! [`country_paths_in`], which keeps 94 KB of outlines out of the wasm bundle. Never
//! fetched from anywhere else.
//!
//! Source: Natural Earth 1:110m Admin 0 countries (public domain), as the `world-atlas`
//! npm package (ISC) ships them, simplified and projected by `scripts/world-map/build.mjs`
//! into `data/world-110m.txt` (see `data/README.md`).

/// One line per country: `<ISO 3166-1 alpha-2>\t<SVG path data>`.
pub const WORLD_110M: &str = include_str!("../data/world-110m.txt");

/// The width of the map's plane: x is longitude + 180.
pub const MAP_WIDTH: f64 = 360.0;
/// The height of the map's plane: y is 84 − latitude (84°N to 61°S; no Antarctica).
pub const MAP_HEIGHT: f64 = 145.0;

/// Every country's code and SVG path data (`M x y L x y ... Z`, one subpath per ring).
pub fn country_paths() -> impl Iterator<Item = (&'static str, &'static str)> {
    country_paths_in(WORLD_110M)
}

/// Every country's code and SVG path data in `text`, a file in the format of
/// [`WORLD_110M`] (one `<code>\t<path>` line per country).
pub fn country_paths_in(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|line| line.split_once('\t'))
}

/// The rings of a path as lists of points.
pub fn rings(path: &str) -> Vec<Vec<(f64, f64)>> {
    path.split('Z')
        .filter(|ring| !ring.trim().is_empty())
        .map(|ring| {
            ring.trim_start_matches('M')
                .split('L')
                .filter_map(|point| {
                    let (x, y) = point.trim().split_once(' ')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_closed_rings_inside_the_plane() {
        let mut count = 0;
        for (code, path) in country_paths() {
            assert_eq!(code.len(), 2, "{code}");
            let rings = rings(path);
            assert!(!rings.is_empty(), "{code}");
            for ring in rings {
                assert!(ring.len() >= 3, "{code}");
                for (x, y) in ring {
                    assert!((0.0..=MAP_WIDTH).contains(&x), "{code} x {x}");
                    assert!((0.0..=MAP_HEIGHT).contains(&y), "{code} y {y}");
                }
            }
            count += 1;
        }
        assert!(count > 150, "{count} countries");
    }
}
