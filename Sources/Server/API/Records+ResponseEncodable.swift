public import Hummingbird
import Recovery
import Storage

// The records the API answers with, encoded by the context's `APIResponseEncoder`.
extension AcuteEpisode: ResponseEncodable {}
extension Patient: ResponseEncodable {}
extension PatientIdentity: ResponseEncodable {}
extension RecoveryReport: ResponseEncodable {}
extension RecoveryWhatIfOutlook: ResponseEncodable {}
extension RecoveryObservation: ResponseEncodable {}
extension TherapyElsewhere: ResponseEncodable {}
extension RehabPlan: ResponseEncodable {}
extension ScheduleImportResult: ResponseEncodable {}
extension ClinicSettings: ResponseEncodable {}
extension RehabTherapist: ResponseEncodable {}
extension RehabRoom: ResponseEncodable {}
extension TherapistLeave: ResponseEncodable {}
extension RehabSeries: ResponseEncodable {}
extension WaitlistEntry: ResponseEncodable {}
extension TimetableEntry: ResponseEncodable {}
extension CancelOutcome: ResponseEncodable {}
extension RehabStay: ResponseEncodable {}
extension RehabPrescription: ResponseEncodable {}
extension DoseReport: ResponseEncodable {}
extension RegionalReport: ResponseEncodable {}
extension JobView: ResponseEncodable {}
extension Identity: ResponseEncodable {}
