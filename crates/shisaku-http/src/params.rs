//! Query-string parsing that keeps repeated keys (`?department=A&department=B`)
//! and rejects what a lenient decoder would silently mangle: invalid UTF-8 in
//! percent-encoding, and numbers out of range. Errors name the parameter.

use percent_encoding::percent_decode_str;

use super::error::ApiError;

/// Longest accepted query string, in bytes.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The decoded `key=value` pairs of a query string, in order.
pub struct Params(pub Vec<(String, String)>);

fn decode(part: &str, what: &str) -> Result<String, ApiError> {
    let plus = part.replace('+', " ");
    percent_decode_str(&plus)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| ApiError::bad_parameter(what, "is not valid UTF-8 after percent-decoding"))
}

impl Params {
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_BYTES {
            return Err(ApiError::query_too_long(MAX_QUERY_BYTES));
        }
        let mut out = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(k, "parameter name")?;
            let value = decode(v, &key)?;
            out.push((key, value));
        }
        Ok(Params(out))
    }

    /// The last value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `key` as an integer in `min..=max`, or `default` when absent.
    pub fn int(
        &self,
        key: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(default),
            Some(v) => v
                .trim()
                .parse::<i128>()
                .ok()
                .filter(|n| *n >= min as i128 && *n <= max as i128)
                .map(|n| n as usize)
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        key,
                        format!("{v:?} is not a whole number between {min} and {max}"),
                    )
                }),
        }
    }

    /// `key` as on/off (also true/false, 1/0), or `default`.
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if v.is_empty() => Ok(default),
            Some(v) => match v.as_str() {
                "on" | "true" | "1" | "yes" => Ok(true),
                "off" | "false" | "0" | "no" => Ok(false),
                _ => Err(ApiError::bad_parameter(
                    key,
                    format!("{v:?} is not on or off"),
                )),
            },
        }
    }

    /// Rejects parameters not in `known` (a typo should not be silently ignored).
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            Some((k, _)) => Err(ApiError::bad_parameter(
                k,
                format!("unknown parameter (known: {})", known.join(", ")),
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_and_utf8() {
        let p = Params::parse(Some(
            "q=%E6%B0%91%E7%94%9F+%E5%A7%94%E5%93%A1&department=A&department=B",
        ))
        .unwrap();
        assert_eq!(p.get("q"), Some("民生 委員"));
        assert_eq!(p.all("department").collect::<Vec<_>>(), vec!["A", "B"]);
        let e = Params::parse(Some("q=%FF%FE")).err().unwrap();
        assert_eq!(e.status, 400);
        assert!(e.message.starts_with("q:"));
    }

    #[test]
    fn integers_are_range_checked() {
        let p = Params::parse(Some("page=-1&per_page=99999999999999999999999")).unwrap();
        assert!(p.int("page", 1, 1, 1000).is_err());
        assert!(p.int("per_page", 10, 1, 100).is_err());
        assert_eq!(p.int("absent", 7, 1, 10).unwrap(), 7);
    }
}
