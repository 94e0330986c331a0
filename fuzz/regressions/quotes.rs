fn f<'a>() { '\u{28}'; b'('; r#type; 'l: loop {} }
