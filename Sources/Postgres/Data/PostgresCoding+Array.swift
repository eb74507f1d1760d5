/// One-dimensional arrays in PostgreSQL's binary array format: int32 dimension count,
/// int32 has-NULL flag, element type OID, then per dimension its length and lower bound,
/// then each element as an int32 length (-1 for NULL) and its bytes.
extension Array: PostgresEncodable where Element: PostgresEncodable {
    public static var postgresType: PostgresDataType { Element.postgresArrayType ?? .unknown }

    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        guard Element.postgresArrayType != nil else {
            throw PostgresError(code: .encoding, message: "arrays of \(Element.self) are not supported")
        }
        WireInteger.append(Int32(isEmpty ? 0 : 1), to: &buffer)
        WireInteger.append(Int32(contains { $0.isNull } ? 1 : 0), to: &buffer)
        WireInteger.append(Element.postgresType.oid, to: &buffer)
        guard !isEmpty else { return }
        guard let count = Int32(exactly: count) else {
            throw PostgresError(code: .encoding, message: "array too long")
        }
        WireInteger.append(count, to: &buffer)
        WireInteger.append(Int32(1), to: &buffer)
        for element in self {
            try appendLengthPrefixed(element, to: &buffer)
        }
    }
}

/// Appends an int32 length (or -1 for NULL) and the value's bytes.
func appendLengthPrefixed(_ value: some PostgresEncodable, to buffer: inout [UInt8]) throws(PostgresError) {
    guard !value.isNull else {
        WireInteger.append(Int32(-1), to: &buffer)
        return
    }
    let lengthAt = buffer.count
    WireInteger.append(Int32(0), to: &buffer)
    try value.encode(into: &buffer)
    guard let length = Int32(exactly: buffer.count - lengthAt - 4) else {
        throw PostgresError(code: .encoding, message: "value too large")
    }
    withUnsafeBytes(of: length.bigEndian) { bytes in
        for (offset, byte) in bytes.enumerated() { buffer[lengthAt + offset] = byte }
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard let dimensions = WireInteger.read(Int32.self, from: bytes, at: 0),
            let elementOID = WireInteger.read(UInt32.self, from: bytes, at: 8)
        else { throw .typeMismatch([Element].self, type) }
        let elementType = PostgresDataType(elementOID)
        guard dimensions != 0 else {
            self = []
            return
        }
        guard dimensions == 1 else {
            throw PostgresDecodingFailure("\(dimensions)-dimensional arrays are not supported")
        }
        guard let count = WireInteger.read(Int32.self, from: bytes, at: 12), count >= 0 else {
            throw .badLength([Element].self, bytes.count)
        }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        var offset = 20
        for _ in 0..<count {
            guard let length = WireInteger.read(Int32.self, from: bytes, at: offset) else {
                throw .badLength([Element].self, bytes.count)
            }
            offset += 4
            if length < 0 {
                elements.append(try Element.decodeNull())
                continue
            }
            let start = bytes.startIndex + offset
            guard start + Int(length) <= bytes.endIndex else { throw .badLength([Element].self, bytes.count) }
            elements.append(try Element(postgresBytes: bytes[start..<(start + Int(length))], type: elementType))
            offset += Int(length)
        }
        self = elements
    }
}
