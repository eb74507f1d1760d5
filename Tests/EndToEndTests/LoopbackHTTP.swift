import Foundation

/// One HTTP/1.1 request on a loopback port, by the blocking `Socket`.
enum LoopbackHTTP {
    /// The status code (0: no answer within the socket's limit) and the body as JSON, if it is JSON.
    static func send(
        port: Int, _ method: String, _ path: String, token: String? = nil, json body: String? = nil
    ) throws -> (status: Int, json: [String: Any]) {
        let socket = Socket()
        try socket.connect(port: UInt16(port))
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try socket.send(request + "\r\n" + (body ?? ""))
        let reply = socket.receiveAll()
        let statusLine = reply.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        let payload = reply.range(of: "\r\n\r\n").map { String(reply[$0.upperBound...]) } ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:]
        return (status, json)
    }

    /// The status code alone.
    static func status(port: Int, _ method: String, _ path: String, token: String? = nil, json body: String? = nil) throws -> Int {
        try send(port: port, method, path, token: token, json: body).status
    }
}
