import Foundation

/// One HTTP/1.1 request on a loopback port, by the blocking `Socket`: the status code.
enum LoopbackHTTP {
    static func status(port: Int, _ method: String, _ path: String, token: String? = nil, json body: String? = nil) throws -> Int {
        let socket = Socket()
        try socket.connect(port: UInt16(port))
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try socket.send(request + "\r\n" + (body ?? ""))
        let statusLine = socket.receiveAll().split(separator: "\r\n").first ?? ""
        return statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }
}
