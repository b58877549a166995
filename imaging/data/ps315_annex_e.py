"""DICOM PS3.15 Table E.1-1, "Application Level Confidentiality Profile Attributes", as data.

Source: DICOM PS3.15 2024b, Annex E, Table E.1-1. The rows follow that edition: one row per
attribute named in the table, with its Basic Profile action as printed ("D", "Z", "X", "U",
"Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*") and the two option columns this project applies:

- Retain Patient Characteristics Option (PS3.15 E.3.7), code 113108: "K" or "C".
- Clean Descriptors Option (PS3.15 E.3.5), code 113105: "C".

The option cells were carried over from the table as published in earlier editions; rows that
were added later and whose option cells could not be confirmed have none, so the Basic Profile
action applies to them, which is always at least as strict.

The rows of the table that are rules rather than single attributes are constants below: private
attributes (odd groups), Curve Data (50xx,xxxx) and Overlay Data / Comments (60xx,3000 and
60xx,4000). For overlays and curves the whole repeating group is removed, which is stricter than
the table and leaves no half-described overlay plane behind.

Names and keywords follow the DICOM data dictionary; a test checks each keyword against
pydicom's copy of it. The compound actions are resolved in `imaging.deid`.
"""

from __future__ import annotations

from typing import NamedTuple


class Attribute(NamedTuple):
    tag: int
    keyword: str
    name: str
    basic: str
    patient_characteristics: str = ""
    clean_descriptors: str = ""


# (GGGG,EEEE) where GGGG is odd: "X" in the Basic Profile.
PRIVATE_ATTRIBUTES_ACTION = "X"
# Curve Data (50xx,xxxx) and the overlay groups (60xx,xxxx), even groups only: "X".
CURVE_GROUPS = range(0x5000, 0x5100, 2)
OVERLAY_GROUPS = range(0x6000, 0x6100, 2)

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(0x00001000, "AffectedSOPInstanceUID", "Affected SOP Instance UID", "X"),
    Attribute(0x00001001, "RequestedSOPInstanceUID", "Requested SOP Instance UID", "U"),
    Attribute(0x00020003, "MediaStorageSOPInstanceUID", "Media Storage SOP Instance UID", "U"),
    Attribute(
        0x00041511, "ReferencedSOPInstanceUIDInFile", "Referenced SOP Instance UID in File", "U"
    ),
    Attribute(0x00080012, "InstanceCreationDate", "Instance Creation Date", "X/D"),
    Attribute(0x00080013, "InstanceCreationTime", "Instance Creation Time", "X/Z/D"),
    Attribute(0x00080014, "InstanceCreatorUID", "Instance Creator UID", "U"),
    Attribute(0x00080015, "InstanceCoercionDateTime", "Instance Coercion DateTime", "X"),
    Attribute(0x00080017, "AcquisitionUID", "Acquisition UID", "U"),
    Attribute(0x00080018, "SOPInstanceUID", "SOP Instance UID", "U"),
    Attribute(0x00080019, "PyramidUID", "Pyramid UID", "U"),
    Attribute(0x00080020, "StudyDate", "Study Date", "Z"),
    Attribute(0x00080021, "SeriesDate", "Series Date", "X/D"),
    Attribute(0x00080022, "AcquisitionDate", "Acquisition Date", "X/Z"),
    Attribute(0x00080023, "ContentDate", "Content Date", "Z/D"),
    Attribute(0x00080024, "OverlayDate", "Overlay Date", "X"),
    Attribute(0x00080025, "CurveDate", "Curve Date", "X"),
    Attribute(0x0008002A, "AcquisitionDateTime", "Acquisition DateTime", "X/Z/D"),
    Attribute(0x00080030, "StudyTime", "Study Time", "Z"),
    Attribute(0x00080031, "SeriesTime", "Series Time", "X/D"),
    Attribute(0x00080032, "AcquisitionTime", "Acquisition Time", "X/Z"),
    Attribute(0x00080033, "ContentTime", "Content Time", "Z/D"),
    Attribute(0x00080034, "OverlayTime", "Overlay Time", "X"),
    Attribute(0x00080035, "CurveTime", "Curve Time", "X"),
    Attribute(0x00080050, "AccessionNumber", "Accession Number", "Z"),
    Attribute(0x00080054, "RetrieveAETitle", "Retrieve AE Title", "X"),
    Attribute(0x00080055, "StationAETitle", "Station AE Title", "X"),
    Attribute(0x00080058, "FailedSOPInstanceUIDList", "Failed SOP Instance UID List", "U"),
    Attribute(0x00080080, "InstitutionName", "Institution Name", "X/Z/D"),
    Attribute(0x00080081, "InstitutionAddress", "Institution Address", "X"),
    Attribute(0x00080082, "InstitutionCodeSequence", "Institution Code Sequence", "X/Z/D"),
    Attribute(0x00080090, "ReferringPhysicianName", "Referring Physician's Name", "Z"),
    Attribute(0x00080092, "ReferringPhysicianAddress", "Referring Physician's Address", "X"),
    Attribute(
        0x00080094,
        "ReferringPhysicianTelephoneNumbers",
        "Referring Physician's Telephone Numbers",
        "X",
    ),
    Attribute(
        0x00080096,
        "ReferringPhysicianIdentificationSequence",
        "Referring Physician Identification Sequence",
        "X",
    ),
    Attribute(0x0008009C, "ConsultingPhysicianName", "Consulting Physician's Name", "Z"),
    Attribute(
        0x0008009D,
        "ConsultingPhysicianIdentificationSequence",
        "Consulting Physician Identification Sequence",
        "X",
    ),
    Attribute(0x00080106, "ContextGroupVersion", "Context Group Version", "D"),
    Attribute(0x00080107, "ContextGroupLocalVersion", "Context Group Local Version", "D"),
    Attribute(0x00080201, "TimezoneOffsetFromUTC", "Timezone Offset From UTC", "X"),
    Attribute(0x00081000, "NetworkID", "Network ID", "X"),
    Attribute(0x00081010, "StationName", "Station Name", "X/Z/D"),
    Attribute(0x00081030, "StudyDescription", "Study Description", "X", clean_descriptors="C"),
    Attribute(0x0008103E, "SeriesDescription", "Series Description", "X", clean_descriptors="C"),
    Attribute(0x00081040, "InstitutionalDepartmentName", "Institutional Department Name", "X"),
    Attribute(
        0x00081041,
        "InstitutionalDepartmentTypeCodeSequence",
        "Institutional Department Type Code Sequence",
        "X",
    ),
    Attribute(0x00081048, "PhysiciansOfRecord", "Physician(s) of Record", "X"),
    Attribute(
        0x00081049,
        "PhysiciansOfRecordIdentificationSequence",
        "Physician(s) of Record Identification Sequence",
        "X",
    ),
    Attribute(0x00081050, "PerformingPhysicianName", "Performing Physician's Name", "X"),
    Attribute(
        0x00081052,
        "PerformingPhysicianIdentificationSequence",
        "Performing Physician Identification Sequence",
        "X",
    ),
    Attribute(
        0x00081060, "NameOfPhysiciansReadingStudy", "Name of Physician(s) Reading Study", "X"
    ),
    Attribute(
        0x00081062,
        "PhysiciansReadingStudyIdentificationSequence",
        "Physician(s) Reading Study Identification Sequence",
        "X",
    ),
    Attribute(0x00081070, "OperatorsName", "Operators' Name", "X/Z/D"),
    Attribute(
        0x00081072, "OperatorIdentificationSequence", "Operator Identification Sequence", "X/D"
    ),
    Attribute(
        0x00081080,
        "AdmittingDiagnosesDescription",
        "Admitting Diagnoses Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00081084,
        "AdmittingDiagnosesCodeSequence",
        "Admitting Diagnoses Code Sequence",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00081088, "PyramidDescription", "Pyramid Description", "X"),
    Attribute(0x00081110, "ReferencedStudySequence", "Referenced Study Sequence", "X/Z"),
    Attribute(
        0x00081111,
        "ReferencedPerformedProcedureStepSequence",
        "Referenced Performed Procedure Step Sequence",
        "X/Z/D",
    ),
    Attribute(0x00081120, "ReferencedPatientSequence", "Referenced Patient Sequence", "X"),
    Attribute(0x00081140, "ReferencedImageSequence", "Referenced Image Sequence", "X/Z/U*"),
    Attribute(0x00081155, "ReferencedSOPInstanceUID", "Referenced SOP Instance UID", "U"),
    Attribute(0x00081195, "TransactionUID", "Transaction UID", "U"),
    Attribute(
        0x00082111, "DerivationDescription", "Derivation Description", "X", clean_descriptors="C"
    ),
    Attribute(0x00082112, "SourceImageSequence", "Source Image Sequence", "X/Z/U*"),
    Attribute(0x00083010, "IrradiationEventUID", "Irradiation Event UID", "U"),
    Attribute(
        0x00084000, "IdentifyingComments", "Identifying Comments", "X", clean_descriptors="C"
    ),
    Attribute(0x00100010, "PatientName", "Patient's Name", "Z"),
    Attribute(0x00100020, "PatientID", "Patient ID", "Z/D"),
    Attribute(0x00100021, "IssuerOfPatientID", "Issuer of Patient ID", "X"),
    Attribute(0x00100030, "PatientBirthDate", "Patient's Birth Date", "Z"),
    Attribute(0x00100032, "PatientBirthTime", "Patient's Birth Time", "X"),
    Attribute(0x00100040, "PatientSex", "Patient's Sex", "Z", patient_characteristics="K"),
    Attribute(
        0x00100050,
        "PatientInsurancePlanCodeSequence",
        "Patient's Insurance Plan Code Sequence",
        "X",
    ),
    Attribute(
        0x00100101,
        "PatientPrimaryLanguageCodeSequence",
        "Patient's Primary Language Code Sequence",
        "X",
    ),
    Attribute(
        0x00100102,
        "PatientPrimaryLanguageModifierCodeSequence",
        "Patient's Primary Language Modifier Code Sequence",
        "X",
    ),
    Attribute(0x00101000, "OtherPatientIDs", "Other Patient IDs", "X"),
    Attribute(0x00101001, "OtherPatientNames", "Other Patient Names", "X"),
    Attribute(0x00101002, "OtherPatientIDsSequence", "Other Patient IDs Sequence", "X"),
    Attribute(0x00101005, "PatientBirthName", "Patient's Birth Name", "X"),
    Attribute(0x00101010, "PatientAge", "Patient's Age", "X", patient_characteristics="K"),
    Attribute(0x00101020, "PatientSize", "Patient's Size", "X", patient_characteristics="K"),
    Attribute(0x00101030, "PatientWeight", "Patient's Weight", "X", patient_characteristics="K"),
    Attribute(0x00101040, "PatientAddress", "Patient's Address", "X"),
    Attribute(0x00101050, "InsurancePlanIdentification", "Insurance Plan Identification", "X"),
    Attribute(0x00101060, "PatientMotherBirthName", "Patient's Mother's Birth Name", "X"),
    Attribute(0x00101080, "MilitaryRank", "Military Rank", "X"),
    Attribute(0x00101081, "BranchOfService", "Branch of Service", "X"),
    Attribute(0x00101090, "MedicalRecordLocator", "Medical Record Locator", "X"),
    Attribute(
        0x00101100, "ReferencedPatientPhotoSequence", "Referenced Patient Photo Sequence", "X"
    ),
    Attribute(0x00102000, "MedicalAlerts", "Medical Alerts", "X", clean_descriptors="C"),
    Attribute(
        0x00102110,
        "Allergies",
        "Allergies",
        "X",
        patient_characteristics="C",
        clean_descriptors="C",
    ),
    Attribute(0x00102150, "CountryOfResidence", "Country of Residence", "X"),
    Attribute(0x00102152, "RegionOfResidence", "Region of Residence", "X"),
    Attribute(0x00102154, "PatientTelephoneNumbers", "Patient's Telephone Numbers", "X"),
    Attribute(0x00102155, "PatientTelecomInformation", "Patient's Telecom Information", "X"),
    Attribute(0x00102160, "EthnicGroup", "Ethnic Group", "X", patient_characteristics="K"),
    Attribute(0x00102180, "Occupation", "Occupation", "X", clean_descriptors="C"),
    Attribute(0x001021A0, "SmokingStatus", "Smoking Status", "X", patient_characteristics="K"),
    Attribute(
        0x001021B0,
        "AdditionalPatientHistory",
        "Additional Patient History",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x001021C0, "PregnancyStatus", "Pregnancy Status", "X", patient_characteristics="K"),
    Attribute(0x001021D0, "LastMenstrualDate", "Last Menstrual Date", "X"),
    Attribute(0x001021F0, "PatientReligiousPreference", "Patient's Religious Preference", "X"),
    Attribute(
        0x00102203,
        "PatientSexNeutered",
        "Patient's Sex Neutered",
        "X/Z",
        patient_characteristics="K",
    ),
    Attribute(0x00102297, "ResponsiblePerson", "Responsible Person", "X"),
    Attribute(0x00102299, "ResponsibleOrganization", "Responsible Organization", "X"),
    Attribute(0x00104000, "PatientComments", "Patient Comments", "X", clean_descriptors="C"),
    Attribute(0x00120010, "ClinicalTrialSponsorName", "Clinical Trial Sponsor Name", "D"),
    Attribute(0x00120020, "ClinicalTrialProtocolID", "Clinical Trial Protocol ID", "D"),
    Attribute(0x00120021, "ClinicalTrialProtocolName", "Clinical Trial Protocol Name", "Z"),
    Attribute(
        0x00120022, "IssuerOfClinicalTrialProtocolID", "Issuer of Clinical Trial Protocol ID", "X"
    ),
    Attribute(
        0x00120023,
        "OtherClinicalTrialProtocolIDsSequence",
        "Other Clinical Trial Protocol IDs Sequence",
        "X",
    ),
    Attribute(0x00120030, "ClinicalTrialSiteID", "Clinical Trial Site ID", "Z"),
    Attribute(0x00120031, "ClinicalTrialSiteName", "Clinical Trial Site Name", "Z"),
    Attribute(0x00120032, "IssuerOfClinicalTrialSiteID", "Issuer of Clinical Trial Site ID", "X"),
    Attribute(0x00120040, "ClinicalTrialSubjectID", "Clinical Trial Subject ID", "D"),
    Attribute(
        0x00120041, "IssuerOfClinicalTrialSubjectID", "Issuer of Clinical Trial Subject ID", "X"
    ),
    Attribute(
        0x00120042, "ClinicalTrialSubjectReadingID", "Clinical Trial Subject Reading ID", "D"
    ),
    Attribute(
        0x00120043,
        "IssuerOfClinicalTrialSubjectReadingID",
        "Issuer of Clinical Trial Subject Reading ID",
        "X",
    ),
    Attribute(0x00120050, "ClinicalTrialTimePointID", "Clinical Trial Time Point ID", "Z"),
    Attribute(
        0x00120051,
        "ClinicalTrialTimePointDescription",
        "Clinical Trial Time Point Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00120055,
        "IssuerOfClinicalTrialTimePointID",
        "Issuer of Clinical Trial Time Point ID",
        "X",
    ),
    Attribute(
        0x00120060,
        "ClinicalTrialCoordinatingCenterName",
        "Clinical Trial Coordinating Center Name",
        "Z",
    ),
    Attribute(0x00120071, "ClinicalTrialSeriesID", "Clinical Trial Series ID", "X"),
    Attribute(
        0x00120072,
        "ClinicalTrialSeriesDescription",
        "Clinical Trial Series Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00120073, "IssuerOfClinicalTrialSeriesID", "Issuer of Clinical Trial Series ID", "X"
    ),
    Attribute(
        0x00120081,
        "ClinicalTrialProtocolEthicsCommitteeName",
        "Clinical Trial Protocol Ethics Committee Name",
        "D",
    ),
    Attribute(
        0x00120082,
        "ClinicalTrialProtocolEthicsCommitteeApprovalNumber",
        "Clinical Trial Protocol Ethics Committee Approval Number",
        "X",
    ),
    Attribute(
        0x00120086,
        "EthicsCommitteeApprovalEffectivenessStartDate",
        "Ethics Committee Approval Effectiveness Start Date",
        "X",
    ),
    Attribute(
        0x00120087,
        "EthicsCommitteeApprovalEffectivenessEndDate",
        "Ethics Committee Approval Effectiveness End Date",
        "X",
    ),
    Attribute(0x0014407C, "CalibrationTime", "Calibration Time", "X"),
    Attribute(0x0014407E, "CalibrationDate", "Calibration Date", "X"),
    Attribute(0x0016002B, "MakerNote", "Maker Note", "X", clean_descriptors="C"),
    Attribute(
        0x0016004B,
        "DeviceSettingDescription",
        "Device Setting Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x0016004D, "CameraOwnerName", "Camera Owner Name", "X"),
    Attribute(0x0016004E, "LensSpecification", "Lens Specification", "X"),
    Attribute(0x0016004F, "LensMake", "Lens Make", "X"),
    Attribute(0x00160050, "LensModel", "Lens Model", "X"),
    Attribute(0x00160051, "LensSerialNumber", "Lens Serial Number", "X"),
    Attribute(0x00160070, "GPSVersionID", "GPS Version ID", "X"),
    Attribute(0x00160071, "GPSLatitudeRef", "GPS Latitude Ref", "X"),
    Attribute(0x00160072, "GPSLatitude", "GPS Latitude", "X"),
    Attribute(0x00160073, "GPSLongitudeRef", "GPS Longitude Ref", "X"),
    Attribute(0x00160074, "GPSLongitude", "GPS Longitude", "X"),
    Attribute(0x00160075, "GPSAltitudeRef", "GPS Altitude Ref", "X"),
    Attribute(0x00160076, "GPSAltitude", "GPS Altitude", "X"),
    Attribute(0x00160077, "GPSTimeStamp", "GPS Time Stamp", "X"),
    Attribute(0x00160078, "GPSSatellites", "GPS Satellites", "X"),
    Attribute(0x00160079, "GPSStatus", "GPS Status", "X"),
    Attribute(0x0016007A, "GPSMeasureMode", "GPS Measure Mode", "X"),
    Attribute(0x0016007B, "GPSDOP", "GPS DOP", "X"),
    Attribute(0x0016007C, "GPSSpeedRef", "GPS Speed Ref", "X"),
    Attribute(0x0016007D, "GPSSpeed", "GPS Speed", "X"),
    Attribute(0x0016007E, "GPSTrackRef", "GPS Track Ref", "X"),
    Attribute(0x0016007F, "GPSTrack", "GPS Track", "X"),
    Attribute(0x00160080, "GPSImgDirectionRef", "GPS Img Direction Ref", "X"),
    Attribute(0x00160081, "GPSImgDirection", "GPS Img Direction", "X"),
    Attribute(0x00160082, "GPSMapDatum", "GPS Map Datum", "X"),
    Attribute(0x00160083, "GPSDestLatitudeRef", "GPS Dest Latitude Ref", "X"),
    Attribute(0x00160084, "GPSDestLatitude", "GPS Dest Latitude", "X"),
    Attribute(0x00160085, "GPSDestLongitudeRef", "GPS Dest Longitude Ref", "X"),
    Attribute(0x00160086, "GPSDestLongitude", "GPS Dest Longitude", "X"),
    Attribute(0x00160087, "GPSDestBearingRef", "GPS Dest Bearing Ref", "X"),
    Attribute(0x00160088, "GPSDestBearing", "GPS Dest Bearing", "X"),
    Attribute(0x00160089, "GPSDestDistanceRef", "GPS Dest Distance Ref", "X"),
    Attribute(0x0016008A, "GPSDestDistance", "GPS Dest Distance", "X"),
    Attribute(0x0016008B, "GPSProcessingMethod", "GPS Processing Method", "X"),
    Attribute(0x0016008C, "GPSAreaInformation", "GPS Area Information", "X"),
    Attribute(0x0016008D, "GPSDateStamp", "GPS Date Stamp", "X"),
    Attribute(0x0016008E, "GPSDifferential", "GPS Differential", "X"),
    Attribute(
        0x00180010, "ContrastBolusAgent", "Contrast/Bolus Agent", "Z/D", clean_descriptors="C"
    ),
    Attribute(0x00180027, "InterventionDrugStopTime", "Intervention Drug Stop Time", "X"),
    Attribute(0x00180035, "InterventionDrugStartTime", "Intervention Drug Start Time", "X"),
    Attribute(0x00181000, "DeviceSerialNumber", "Device Serial Number", "X/Z/D"),
    Attribute(0x00181002, "DeviceUID", "Device UID", "U"),
    Attribute(0x00181004, "PlateID", "Plate ID", "X"),
    Attribute(0x00181005, "GeneratorID", "Generator ID", "X"),
    Attribute(0x00181007, "CassetteID", "Cassette ID", "X"),
    Attribute(0x00181008, "GantryID", "Gantry ID", "X"),
    Attribute(0x00181009, "UniqueDeviceIdentifier", "Unique Device Identifier", "X"),
    Attribute(0x0018100A, "UDISequence", "UDI Sequence", "X"),
    Attribute(0x0018100B, "ManufacturerDeviceClassUID", "Manufacturer's Device Class UID", "U"),
    Attribute(0x00181012, "DateOfSecondaryCapture", "Date of Secondary Capture", "X"),
    Attribute(0x00181014, "TimeOfSecondaryCapture", "Time of Secondary Capture", "X"),
    Attribute(0x00181030, "ProtocolName", "Protocol Name", "X/D", clean_descriptors="C"),
    Attribute(0x00181042, "ContrastBolusStartTime", "Contrast/Bolus Start Time", "X"),
    Attribute(0x00181043, "ContrastBolusStopTime", "Contrast/Bolus Stop Time", "X"),
    Attribute(0x00181072, "RadiopharmaceuticalStartTime", "Radiopharmaceutical Start Time", "X"),
    Attribute(0x00181073, "RadiopharmaceuticalStopTime", "Radiopharmaceutical Stop Time", "X"),
    Attribute(
        0x00181078, "RadiopharmaceuticalStartDateTime", "Radiopharmaceutical Start DateTime", "X"
    ),
    Attribute(
        0x00181079, "RadiopharmaceuticalStopDateTime", "Radiopharmaceutical Stop DateTime", "X"
    ),
    Attribute(
        0x001811BB,
        "AcquisitionFieldOfViewLabel",
        "Acquisition Field of View Label",
        "D",
        clean_descriptors="C",
    ),
    Attribute(0x00181200, "DateOfLastCalibration", "Date of Last Calibration", "X"),
    Attribute(0x00181201, "TimeOfLastCalibration", "Time of Last Calibration", "X"),
    Attribute(0x00181202, "DateTimeOfLastCalibration", "DateTime of Last Calibration", "X"),
    Attribute(0x00181203, "CalibrationDateTime", "Calibration DateTime", "Z"),
    Attribute(0x00181204, "DateOfManufacture", "Date of Manufacture", "X"),
    Attribute(0x00181205, "DateOfInstallation", "Date of Installation", "X"),
    Attribute(
        0x00181400,
        "AcquisitionDeviceProcessingDescription",
        "Acquisition Device Processing Description",
        "X/D",
        clean_descriptors="C",
    ),
    Attribute(0x00182042, "TargetUID", "Target UID", "U"),
    Attribute(
        0x00184000, "AcquisitionComments", "Acquisition Comments", "X", clean_descriptors="C"
    ),
    Attribute(
        0x00185011, "TransducerIdentificationSequence", "Transducer Identification Sequence", "X"
    ),
    Attribute(0x0018700A, "DetectorID", "Detector ID", "X/D"),
    Attribute(
        0x0018700C, "DateOfLastDetectorCalibration", "Date of Last Detector Calibration", "X/D"
    ),
    Attribute(
        0x0018700E, "TimeOfLastDetectorCalibration", "Time of Last Detector Calibration", "X/D"
    ),
    Attribute(0x00189074, "FrameAcquisitionDateTime", "Frame Acquisition DateTime", "D"),
    Attribute(0x00189151, "FrameReferenceDateTime", "Frame Reference DateTime", "D"),
    Attribute(
        0x00189185,
        "RespiratoryMotionCompensationTechniqueDescription",
        "Respiratory Motion Compensation Technique Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00189367, "XRaySourceID", "X-Ray Source ID", "D"),
    Attribute(0x00189369, "SourceStartDateTime", "Source Start DateTime", "D"),
    Attribute(0x0018936A, "SourceEndDateTime", "Source End DateTime", "D"),
    Attribute(0x00189371, "XRayDetectorID", "X-Ray Detector ID", "D"),
    Attribute(0x00189373, "XRayDetectorLabel", "X-Ray Detector Label", "X"),
    Attribute(
        0x0018937B,
        "MultienergyAcquisitionDescription",
        "Multi-energy Acquisition Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x0018937F,
        "DecompositionDescription",
        "Decomposition Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00189424,
        "AcquisitionProtocolDescription",
        "Acquisition Protocol Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00189516, "StartAcquisitionDateTime", "Start Acquisition DateTime", "X/D"),
    Attribute(0x00189517, "EndAcquisitionDateTime", "End Acquisition DateTime", "X/D"),
    Attribute(0x00189623, "FunctionalSyncPulse", "Functional Sync Pulse", "D"),
    Attribute(0x00189701, "DecayCorrectionDateTime", "Decay Correction DateTime", "D"),
    Attribute(0x00189804, "ExclusionStartDateTime", "Exclusion Start DateTime", "D"),
    Attribute(0x00189919, "InstructionPerformedDateTime", "Instruction Performed DateTime", "Z/D"),
    Attribute(
        0x00189937,
        "RequestedSeriesDescription",
        "Requested Series Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x0018A002, "ContributionDateTime", "Contribution DateTime", "X"),
    Attribute(
        0x0018A003,
        "ContributionDescription",
        "Contribution Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x0020000D, "StudyInstanceUID", "Study Instance UID", "U"),
    Attribute(0x0020000E, "SeriesInstanceUID", "Series Instance UID", "U"),
    Attribute(0x00200010, "StudyID", "Study ID", "Z"),
    Attribute(0x00200027, "PyramidLabel", "Pyramid Label", "X"),
    Attribute(0x00200052, "FrameOfReferenceUID", "Frame of Reference UID", "U"),
    Attribute(
        0x00200200,
        "SynchronizationFrameOfReferenceUID",
        "Synchronization Frame of Reference UID",
        "U",
    ),
    Attribute(0x00203401, "ModifyingDeviceID", "Modifying Device ID", "X"),
    Attribute(0x00203403, "ModifiedImageDate", "Modified Image Date", "X"),
    Attribute(0x00203405, "ModifiedImageTime", "Modified Image Time", "X"),
    Attribute(0x00203406, "ModifiedImageDescription", "Modified Image Description", "X"),
    Attribute(0x00204000, "ImageComments", "Image Comments", "X", clean_descriptors="C"),
    Attribute(0x00209158, "FrameComments", "Frame Comments", "X", clean_descriptors="C"),
    Attribute(0x00209161, "ConcatenationUID", "Concatenation UID", "U"),
    Attribute(0x00209164, "DimensionOrganizationUID", "Dimension Organization UID", "U"),
    Attribute(0x00281199, "PaletteColorLookupTableUID", "Palette Color Lookup Table UID", "U"),
    Attribute(
        0x00281214, "LargePaletteColorLookupTableUID", "Large Palette Color Lookup Table UID", "U"
    ),
    Attribute(0x00284000, "ImagePresentationComments", "Image Presentation Comments", "X"),
    Attribute(0x00320012, "StudyIDIssuer", "Study ID Issuer", "X"),
    Attribute(0x00320032, "StudyVerifiedDate", "Study Verified Date", "X"),
    Attribute(0x00320033, "StudyVerifiedTime", "Study Verified Time", "X"),
    Attribute(0x00320034, "StudyReadDate", "Study Read Date", "X"),
    Attribute(0x00320035, "StudyReadTime", "Study Read Time", "X"),
    Attribute(0x00321000, "ScheduledStudyStartDate", "Scheduled Study Start Date", "X"),
    Attribute(0x00321001, "ScheduledStudyStartTime", "Scheduled Study Start Time", "X"),
    Attribute(0x00321010, "ScheduledStudyStopDate", "Scheduled Study Stop Date", "X"),
    Attribute(0x00321011, "ScheduledStudyStopTime", "Scheduled Study Stop Time", "X"),
    Attribute(0x00321020, "ScheduledStudyLocation", "Scheduled Study Location", "X"),
    Attribute(
        0x00321021, "ScheduledStudyLocationAETitle", "Scheduled Study Location AE Title", "X"
    ),
    Attribute(0x00321030, "ReasonForStudy", "Reason for Study", "X", clean_descriptors="C"),
    Attribute(0x00321032, "RequestingPhysician", "Requesting Physician", "X"),
    Attribute(0x00321033, "RequestingService", "Requesting Service", "X"),
    Attribute(0x00321040, "StudyArrivalDate", "Study Arrival Date", "X"),
    Attribute(0x00321041, "StudyArrivalTime", "Study Arrival Time", "X"),
    Attribute(0x00321050, "StudyCompletionDate", "Study Completion Date", "X"),
    Attribute(0x00321051, "StudyCompletionTime", "Study Completion Time", "X"),
    Attribute(
        0x00321060,
        "RequestedProcedureDescription",
        "Requested Procedure Description",
        "X/Z",
        clean_descriptors="C",
    ),
    Attribute(0x00321066, "ReasonForVisit", "Reason for Visit", "X", clean_descriptors="C"),
    Attribute(
        0x00321067,
        "ReasonForVisitCodeSequence",
        "Reason for Visit Code Sequence",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00321070, "RequestedContrastAgent", "Requested Contrast Agent", "X", clean_descriptors="C"
    ),
    Attribute(0x00324000, "StudyComments", "Study Comments", "X", clean_descriptors="C"),
    Attribute(0x00340001, "FlowIdentifierSequence", "Flow Identifier Sequence", "D"),
    Attribute(0x00340002, "FlowIdentifier", "Flow Identifier", "D"),
    Attribute(0x00340005, "SourceIdentifier", "Source Identifier", "D"),
    Attribute(0x00340007, "FrameOriginTimestamp", "Frame Origin Timestamp", "D"),
    Attribute(
        0x00380004, "ReferencedPatientAliasSequence", "Referenced Patient Alias Sequence", "X"
    ),
    Attribute(0x00380010, "AdmissionID", "Admission ID", "X"),
    Attribute(0x00380011, "IssuerOfAdmissionID", "Issuer of Admission ID", "X"),
    Attribute(0x00380014, "IssuerOfAdmissionIDSequence", "Issuer of Admission ID Sequence", "X"),
    Attribute(0x0038001A, "ScheduledAdmissionDate", "Scheduled Admission Date", "X"),
    Attribute(0x0038001B, "ScheduledAdmissionTime", "Scheduled Admission Time", "X"),
    Attribute(0x0038001C, "ScheduledDischargeDate", "Scheduled Discharge Date", "X"),
    Attribute(0x0038001D, "ScheduledDischargeTime", "Scheduled Discharge Time", "X"),
    Attribute(
        0x0038001E,
        "ScheduledPatientInstitutionResidence",
        "Scheduled Patient Institution Residence",
        "X",
    ),
    Attribute(0x00380020, "AdmittingDate", "Admitting Date", "X"),
    Attribute(0x00380021, "AdmittingTime", "Admitting Time", "X"),
    Attribute(0x00380030, "DischargeDate", "Discharge Date", "X"),
    Attribute(0x00380032, "DischargeTime", "Discharge Time", "X"),
    Attribute(
        0x00380040,
        "DischargeDiagnosisDescription",
        "Discharge Diagnosis Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00380050, "SpecialNeeds", "Special Needs", "X", patient_characteristics="C"),
    Attribute(0x00380060, "ServiceEpisodeID", "Service Episode ID", "X"),
    Attribute(0x00380061, "IssuerOfServiceEpisodeID", "Issuer of Service Episode ID", "X"),
    Attribute(
        0x00380062,
        "ServiceEpisodeDescription",
        "Service Episode Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00380064, "IssuerOfServiceEpisodeIDSequence", "Issuer of Service Episode ID Sequence", "X"
    ),
    Attribute(0x00380300, "CurrentPatientLocation", "Current Patient Location", "X"),
    Attribute(0x00380400, "PatientInstitutionResidence", "Patient's Institution Residence", "X"),
    Attribute(
        0x00380500,
        "PatientState",
        "Patient State",
        "X",
        patient_characteristics="C",
        clean_descriptors="C",
    ),
    Attribute(0x00384000, "VisitComments", "Visit Comments", "X", clean_descriptors="C"),
    Attribute(0x003A0310, "MultiplexGroupUID", "Multiplex Group UID", "U"),
    Attribute(0x003A0314, "ImpedanceMeasurementDateTime", "Impedance Measurement DateTime", "D"),
    Attribute(0x003A0329, "WaveformFilterDescription", "Waveform Filter Description", "X"),
    Attribute(0x003A032B, "FilterLookupTableDescription", "Filter Lookup Table Description", "X"),
    Attribute(0x00400001, "ScheduledStationAETitle", "Scheduled Station AE Title", "X"),
    Attribute(
        0x00400002, "ScheduledProcedureStepStartDate", "Scheduled Procedure Step Start Date", "X"
    ),
    Attribute(
        0x00400003, "ScheduledProcedureStepStartTime", "Scheduled Procedure Step Start Time", "X"
    ),
    Attribute(
        0x00400004, "ScheduledProcedureStepEndDate", "Scheduled Procedure Step End Date", "X"
    ),
    Attribute(
        0x00400005, "ScheduledProcedureStepEndTime", "Scheduled Procedure Step End Time", "X"
    ),
    Attribute(
        0x00400006, "ScheduledPerformingPhysicianName", "Scheduled Performing Physician's Name", "X"
    ),
    Attribute(
        0x00400007,
        "ScheduledProcedureStepDescription",
        "Scheduled Procedure Step Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00400009, "ScheduledProcedureStepID", "Scheduled Procedure Step ID", "X"),
    Attribute(
        0x0040000B,
        "ScheduledPerformingPhysicianIdentificationSequence",
        "Scheduled Performing Physician Identification Sequence",
        "X",
    ),
    Attribute(0x00400010, "ScheduledStationName", "Scheduled Station Name", "X"),
    Attribute(
        0x00400011, "ScheduledProcedureStepLocation", "Scheduled Procedure Step Location", "X"
    ),
    Attribute(0x00400012, "PreMedication", "Pre-Medication", "X", patient_characteristics="C"),
    Attribute(0x00400241, "PerformedStationAETitle", "Performed Station AE Title", "X"),
    Attribute(0x00400242, "PerformedStationName", "Performed Station Name", "X"),
    Attribute(0x00400243, "PerformedLocation", "Performed Location", "X"),
    Attribute(
        0x00400244, "PerformedProcedureStepStartDate", "Performed Procedure Step Start Date", "X"
    ),
    Attribute(
        0x00400245, "PerformedProcedureStepStartTime", "Performed Procedure Step Start Time", "X"
    ),
    Attribute(
        0x00400250, "PerformedProcedureStepEndDate", "Performed Procedure Step End Date", "X"
    ),
    Attribute(
        0x00400251, "PerformedProcedureStepEndTime", "Performed Procedure Step End Time", "X"
    ),
    Attribute(0x00400253, "PerformedProcedureStepID", "Performed Procedure Step ID", "X"),
    Attribute(
        0x00400254,
        "PerformedProcedureStepDescription",
        "Performed Procedure Step Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00400275,
        "RequestAttributesSequence",
        "Request Attributes Sequence",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00400280,
        "CommentsOnThePerformedProcedureStep",
        "Comments on the Performed Procedure Step",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00400310,
        "CommentsOnRadiationDose",
        "Comments on Radiation Dose",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x0040050A, "SpecimenAccessionNumber", "Specimen Accession Number", "X"),
    Attribute(0x00400512, "ContainerIdentifier", "Container Identifier", "D"),
    Attribute(
        0x00400513,
        "IssuerOfTheContainerIdentifierSequence",
        "Issuer of the Container Identifier Sequence",
        "Z",
    ),
    Attribute(
        0x0040051A, "ContainerDescription", "Container Description", "X", clean_descriptors="C"
    ),
    Attribute(0x00400551, "SpecimenIdentifier", "Specimen Identifier", "D"),
    Attribute(0x00400554, "SpecimenUID", "Specimen UID", "U"),
    Attribute(0x00400555, "AcquisitionContextSequence", "Acquisition Context Sequence", "X/Z"),
    Attribute(
        0x00400562,
        "IssuerOfTheSpecimenIdentifierSequence",
        "Issuer of the Specimen Identifier Sequence",
        "Z",
    ),
    Attribute(
        0x00400600,
        "SpecimenShortDescription",
        "Specimen Short Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00400602,
        "SpecimenDetailedDescription",
        "Specimen Detailed Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00400610, "SpecimenPreparationSequence", "Specimen Preparation Sequence", "Z"),
    Attribute(0x004006FA, "SlideIdentifier", "Slide Identifier", "X"),
    Attribute(0x00401001, "RequestedProcedureID", "Requested Procedure ID", "X"),
    Attribute(
        0x00401002,
        "ReasonForTheRequestedProcedure",
        "Reason for the Requested Procedure",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x00401004, "PatientTransportArrangements", "Patient Transport Arrangements", "X"),
    Attribute(0x00401005, "RequestedProcedureLocation", "Requested Procedure Location", "X"),
    Attribute(
        0x0040100A,
        "ReasonForRequestedProcedureCodeSequence",
        "Reason for Requested Procedure Code Sequence",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00401010,
        "NamesOfIntendedRecipientsOfResults",
        "Names of Intended Recipients of Results",
        "X",
    ),
    Attribute(
        0x00401011,
        "IntendedRecipientsOfResultsIdentificationSequence",
        "Intended Recipients of Results Identification Sequence",
        "X",
    ),
    Attribute(
        0x00401101, "PersonIdentificationCodeSequence", "Person Identification Code Sequence", "D"
    ),
    Attribute(0x00401102, "PersonAddress", "Person's Address", "X"),
    Attribute(0x00401103, "PersonTelephoneNumbers", "Person's Telephone Numbers", "X"),
    Attribute(0x00401104, "PersonTelecomInformation", "Person's Telecom Information", "X"),
    Attribute(
        0x00401400,
        "RequestedProcedureComments",
        "Requested Procedure Comments",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00402001,
        "ReasonForTheImagingServiceRequest",
        "Reason for the Imaging Service Request",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00402004, "IssueDateOfImagingServiceRequest", "Issue Date of Imaging Service Request", "X"
    ),
    Attribute(
        0x00402005, "IssueTimeOfImagingServiceRequest", "Issue Time of Imaging Service Request", "X"
    ),
    Attribute(0x00402008, "OrderEnteredBy", "Order Entered By", "X"),
    Attribute(0x00402009, "OrderEntererLocation", "Order Enterer's Location", "X"),
    Attribute(0x00402010, "OrderCallbackPhoneNumber", "Order Callback Phone Number", "X"),
    Attribute(
        0x00402011, "OrderCallbackTelecomInformation", "Order Callback Telecom Information", "X"
    ),
    Attribute(
        0x00402016,
        "PlacerOrderNumberImagingServiceRequest",
        "Placer Order Number / Imaging Service Request",
        "Z",
    ),
    Attribute(
        0x00402017,
        "FillerOrderNumberImagingServiceRequest",
        "Filler Order Number / Imaging Service Request",
        "Z",
    ),
    Attribute(
        0x00402400,
        "ImagingServiceRequestComments",
        "Imaging Service Request Comments",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x00403001,
        "ConfidentialityConstraintOnPatientDataDescription",
        "Confidentiality Constraint on Patient Data Description",
        "X",
    ),
    Attribute(
        0x00404005,
        "ScheduledProcedureStepStartDateTime",
        "Scheduled Procedure Step Start DateTime",
        "X",
    ),
    Attribute(
        0x00404008,
        "ScheduledProcedureStepExpirationDateTime",
        "Scheduled Procedure Step Expiration DateTime",
        "X",
    ),
    Attribute(
        0x00404010,
        "ScheduledProcedureStepModificationDateTime",
        "Scheduled Procedure Step Modification DateTime",
        "X",
    ),
    Attribute(0x00404011, "ExpectedCompletionDateTime", "Expected Completion DateTime", "X"),
    Attribute(
        0x00404023,
        "ReferencedGeneralPurposeScheduledProcedureStepTransactionUID",
        "Referenced General Purpose Scheduled Procedure Step Transaction UID",
        "U",
    ),
    Attribute(
        0x00404025, "ScheduledStationNameCodeSequence", "Scheduled Station Name Code Sequence", "X"
    ),
    Attribute(
        0x00404027,
        "ScheduledStationGeographicLocationCodeSequence",
        "Scheduled Station Geographic Location Code Sequence",
        "X",
    ),
    Attribute(
        0x00404028, "PerformedStationNameCodeSequence", "Performed Station Name Code Sequence", "X"
    ),
    Attribute(
        0x00404030,
        "PerformedStationGeographicLocationCodeSequence",
        "Performed Station Geographic Location Code Sequence",
        "X",
    ),
    Attribute(
        0x00404034, "ScheduledHumanPerformersSequence", "Scheduled Human Performers Sequence", "X"
    ),
    Attribute(0x00404035, "ActualHumanPerformersSequence", "Actual Human Performers Sequence", "X"),
    Attribute(0x00404036, "HumanPerformerOrganization", "Human Performer's Organization", "X"),
    Attribute(0x00404037, "HumanPerformerName", "Human Performer's Name", "X"),
    Attribute(
        0x00404050,
        "PerformedProcedureStepStartDateTime",
        "Performed Procedure Step Start DateTime",
        "X",
    ),
    Attribute(
        0x00404051,
        "PerformedProcedureStepEndDateTime",
        "Performed Procedure Step End DateTime",
        "X",
    ),
    Attribute(
        0x00404052, "ProcedureStepCancellationDateTime", "Procedure Step Cancellation DateTime", "X"
    ),
    Attribute(
        0x0040A023, "FindingsGroupRecordingDateTrial", "Findings Group Recording Date (Trial)", "X"
    ),
    Attribute(
        0x0040A024, "FindingsGroupRecordingTimeTrial", "Findings Group Recording Time (Trial)", "X"
    ),
    Attribute(0x0040A027, "VerifyingOrganization", "Verifying Organization", "D"),
    Attribute(0x0040A030, "VerificationDateTime", "Verification DateTime", "D"),
    Attribute(0x0040A032, "ObservationDateTime", "Observation DateTime", "X/D"),
    Attribute(0x0040A033, "ObservationStartDateTime", "Observation Start DateTime", "X"),
    Attribute(0x0040A073, "VerifyingObserverSequence", "Verifying Observer Sequence", "D"),
    Attribute(0x0040A075, "VerifyingObserverName", "Verifying Observer Name", "D"),
    Attribute(0x0040A078, "AuthorObserverSequence", "Author Observer Sequence", "X"),
    Attribute(0x0040A07A, "ParticipantSequence", "Participant Sequence", "X"),
    Attribute(0x0040A07C, "CustodialOrganizationSequence", "Custodial Organization Sequence", "X"),
    Attribute(0x0040A082, "ParticipationDateTime", "Participation DateTime", "Z"),
    Attribute(
        0x0040A088,
        "VerifyingObserverIdentificationCodeSequence",
        "Verifying Observer Identification Code Sequence",
        "Z",
    ),
    Attribute(
        0x0040A110,
        "DateOfDocumentOrVerbalTransactionTrial",
        "Date of Document or Verbal Transaction (Trial)",
        "X",
    ),
    Attribute(
        0x0040A112,
        "TimeOfDocumentCreationOrVerbalTransactionTrial",
        "Time of Document Creation or Verbal Transaction (Trial)",
        "X",
    ),
    Attribute(0x0040A120, "DateTime", "DateTime", "D"),
    Attribute(0x0040A121, "Date", "Date", "D"),
    Attribute(0x0040A122, "Time", "Time", "D"),
    Attribute(0x0040A123, "PersonName", "Person Name", "D"),
    Attribute(0x0040A124, "UID", "UID", "U"),
    Attribute(0x0040A13A, "ReferencedDateTime", "Referenced DateTime", "D"),
    Attribute(0x0040A171, "ObservationUID", "Observation UID", "U"),
    Attribute(
        0x0040A172, "ReferencedObservationUIDTrial", "Referenced Observation UID (Trial)", "U"
    ),
    Attribute(0x0040A192, "ObservationDateTrial", "Observation Date (Trial)", "X"),
    Attribute(0x0040A193, "ObservationTimeTrial", "Observation Time (Trial)", "X"),
    Attribute(0x0040A307, "CurrentObserverTrial", "Current Observer (Trial)", "X"),
    Attribute(0x0040A352, "VerbalSourceTrial", "Verbal Source (Trial)", "X"),
    Attribute(0x0040A353, "AddressTrial", "Address (Trial)", "X"),
    Attribute(0x0040A354, "TelephoneNumberTrial", "Telephone Number (Trial)", "X"),
    Attribute(
        0x0040A358,
        "VerbalSourceIdentifierCodeSequenceTrial",
        "Verbal Source Identifier Code Sequence (Trial)",
        "X",
    ),
    Attribute(0x0040A402, "ObservationSubjectUIDTrial", "Observation Subject UID (Trial)", "U"),
    Attribute(0x0040A730, "ContentSequence", "Content Sequence", "D"),
    Attribute(0x0040DB06, "TemplateVersion", "Template Version", "X"),
    Attribute(0x0040DB07, "TemplateLocalVersion", "Template Local Version", "X"),
    Attribute(
        0x0040DB0C, "TemplateExtensionOrganizationUID", "Template Extension Organization UID", "U"
    ),
    Attribute(0x0040DB0D, "TemplateExtensionCreatorUID", "Template Extension Creator UID", "U"),
    Attribute(0x0040E004, "HL7DocumentEffectiveTime", "HL7 Document Effective Time", "X"),
    Attribute(0x00420011, "EncapsulatedDocument", "Encapsulated Document", "D"),
    Attribute(0x00440004, "ApprovalStatusDateTime", "Approval Status DateTime", "X"),
    Attribute(0x0044000B, "ProductExpirationDateTime", "Product Expiration DateTime", "X"),
    Attribute(
        0x00440010, "SubstanceAdministrationDateTime", "Substance Administration DateTime", "X"
    ),
    Attribute(0x00440104, "AssertionDateTime", "Assertion DateTime", "D"),
    Attribute(0x00440105, "AssertionExpirationDateTime", "Assertion Expiration DateTime", "X"),
    Attribute(0x0050001B, "ContainerComponentID", "Container Component ID", "X"),
    Attribute(0x00500020, "DeviceDescription", "Device Description", "X"),
    Attribute(
        0x00500021, "LongDeviceDescription", "Long Device Description", "X", clean_descriptors="C"
    ),
    Attribute(0x00620021, "TrackingUID", "Tracking UID", "U"),
    Attribute(0x00640003, "SourceFrameOfReferenceUID", "Source Frame of Reference UID", "U"),
    Attribute(0x00686226, "EffectiveDateTime", "Effective DateTime", "D"),
    Attribute(0x00686270, "InformationIssueDateTime", "Information Issue DateTime", "D"),
    Attribute(0x006A0003, "AnnotationGroupUID", "Annotation Group UID", "D"),
    Attribute(0x006A0005, "AnnotationGroupLabel", "Annotation Group Label", "D"),
    Attribute(0x006A0006, "AnnotationGroupDescription", "Annotation Group Description", "X"),
    Attribute(0x00700001, "GraphicAnnotationSequence", "Graphic Annotation Sequence", "D"),
    Attribute(0x00700082, "PresentationCreationDate", "Presentation Creation Date", "X"),
    Attribute(0x00700083, "PresentationCreationTime", "Presentation Creation Time", "X"),
    Attribute(0x00700084, "ContentCreatorName", "Content Creator's Name", "Z/D"),
    Attribute(
        0x00700086,
        "ContentCreatorIdentificationCodeSequence",
        "Content Creator's Identification Code Sequence",
        "X",
    ),
    Attribute(0x0070031A, "FiducialUID", "Fiducial UID", "U"),
    Attribute(
        0x00701101, "PresentationDisplayCollectionUID", "Presentation Display Collection UID", "U"
    ),
    Attribute(
        0x00701102, "PresentationSequenceCollectionUID", "Presentation Sequence Collection UID", "U"
    ),
    Attribute(
        0x0072000A, "HangingProtocolCreationDateTime", "Hanging Protocol Creation DateTime", "D"
    ),
    Attribute(0x0072005E, "SelectorAEValue", "Selector AE Value", "D"),
    Attribute(0x0072005F, "SelectorASValue", "Selector AS Value", "D"),
    Attribute(0x00720061, "SelectorDAValue", "Selector DA Value", "D"),
    Attribute(0x00720063, "SelectorDTValue", "Selector DT Value", "D"),
    Attribute(0x00720065, "SelectorOBValue", "Selector OB Value", "D"),
    Attribute(0x00720066, "SelectorLOValue", "Selector LO Value", "D"),
    Attribute(0x00720068, "SelectorLTValue", "Selector LT Value", "D"),
    Attribute(0x0072006A, "SelectorPNValue", "Selector PN Value", "D"),
    Attribute(0x0072006B, "SelectorTMValue", "Selector TM Value", "D"),
    Attribute(0x0072006C, "SelectorSHValue", "Selector SH Value", "D"),
    Attribute(0x0072006D, "SelectorUNValue", "Selector UN Value", "D"),
    Attribute(0x0072006E, "SelectorSTValue", "Selector ST Value", "D"),
    Attribute(0x00720070, "SelectorUTValue", "Selector UT Value", "D"),
    Attribute(0x00720071, "SelectorURValue", "Selector UR Value", "D"),
    Attribute(0x00741234, "ReceivingAE", "Receiving AE", "X"),
    Attribute(0x00741236, "RequestingAE", "Requesting AE", "X"),
    Attribute(0x00880140, "StorageMediaFileSetUID", "Storage Media File-set UID", "U"),
    Attribute(0x00880200, "IconImageSequence", "Icon Image Sequence", "X"),
    Attribute(0x00880904, "TopicTitle", "Topic Title", "X"),
    Attribute(0x00880906, "TopicSubject", "Topic Subject", "X"),
    Attribute(0x00880910, "TopicAuthor", "Topic Author", "X"),
    Attribute(0x00880912, "TopicKeywords", "Topic Keywords", "X"),
    Attribute(0x01000420, "SOPAuthorizationDateTime", "SOP Authorization DateTime", "X"),
    Attribute(0x04000100, "DigitalSignatureUID", "Digital Signature UID", "U"),
    Attribute(0x04000105, "DigitalSignatureDateTime", "Digital Signature DateTime", "D"),
    Attribute(0x04000115, "CertificateOfSigner", "Certificate of Signer", "D"),
    Attribute(0x04000310, "CertifiedTimestamp", "Certified Timestamp", "X"),
    Attribute(
        0x04000402,
        "ReferencedDigitalSignatureSequence",
        "Referenced Digital Signature Sequence",
        "X",
    ),
    Attribute(
        0x04000403, "ReferencedSOPInstanceMACSequence", "Referenced SOP Instance MAC Sequence", "X"
    ),
    Attribute(0x04000404, "MAC", "MAC", "X"),
    Attribute(0x04000550, "ModifiedAttributesSequence", "Modified Attributes Sequence", "X"),
    Attribute(
        0x04000551,
        "NonconformingModifiedAttributesSequence",
        "Nonconforming Modified Attributes Sequence",
        "X",
    ),
    Attribute(0x04000552, "NonconformingDataElementValue", "Nonconforming Data Element Value", "X"),
    Attribute(0x04000561, "OriginalAttributesSequence", "Original Attributes Sequence", "X"),
    Attribute(0x04000562, "AttributeModificationDateTime", "Attribute Modification DateTime", "D"),
    Attribute(0x04000563, "ModifyingSystem", "Modifying System", "D"),
    Attribute(0x04000564, "SourceOfPreviousValues", "Source of Previous Values", "Z"),
    Attribute(
        0x04000565,
        "ReasonForTheAttributeModification",
        "Reason for the Attribute Modification",
        "D",
    ),
    Attribute(0x04000600, "InstanceOriginStatus", "Instance Origin Status", "X"),
    Attribute(0x20300020, "TextString", "Text String", "X"),
    Attribute(0x21000040, "CreationDate", "Creation Date", "X"),
    Attribute(0x21000050, "CreationTime", "Creation Time", "X"),
    Attribute(0x21000070, "Originator", "Originator", "X"),
    Attribute(0x21000140, "DestinationAE", "Destination AE", "D"),
    Attribute(0x22000002, "LabelText", "Label Text", "X/Z", clean_descriptors="C"),
    Attribute(0x22000005, "BarcodeValue", "Barcode Value", "X/Z"),
    Attribute(
        0x30020121, "PositionAcquisitionTemplateName", "Position Acquisition Template Name", "X"
    ),
    Attribute(
        0x30020123,
        "PositionAcquisitionTemplateDescription",
        "Position Acquisition Template Description",
        "X",
    ),
    Attribute(0x30060002, "StructureSetLabel", "Structure Set Label", "D", clean_descriptors="C"),
    Attribute(0x30060004, "StructureSetName", "Structure Set Name", "X", clean_descriptors="C"),
    Attribute(
        0x30060006,
        "StructureSetDescription",
        "Structure Set Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x30060008, "StructureSetDate", "Structure Set Date", "Z"),
    Attribute(0x30060009, "StructureSetTime", "Structure Set Time", "Z"),
    Attribute(
        0x30060024, "ReferencedFrameOfReferenceUID", "Referenced Frame of Reference UID", "U"
    ),
    Attribute(0x30060026, "ROIName", "ROI Name", "Z", clean_descriptors="C"),
    Attribute(0x30060028, "ROIDescription", "ROI Description", "X", clean_descriptors="C"),
    Attribute(0x3006002D, "ROIDateTime", "ROI DateTime", "X"),
    Attribute(0x3006002E, "ROIObservationDateTime", "ROI Observation DateTime", "X"),
    Attribute(
        0x30060038,
        "ROIGenerationDescription",
        "ROI Generation Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x3006004D, "ROICreatorSequence", "ROI Creator Sequence", "X"),
    Attribute(0x3006004E, "ROIInterpreterSequence", "ROI Interpreter Sequence", "X"),
    Attribute(
        0x30060085, "ROIObservationLabel", "ROI Observation Label", "X", clean_descriptors="C"
    ),
    Attribute(
        0x30060088,
        "ROIObservationDescription",
        "ROI Observation Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x300600A6, "ROIInterpreter", "ROI Interpreter", "Z"),
    Attribute(0x300600C2, "RelatedFrameOfReferenceUID", "Related Frame of Reference UID", "U"),
    Attribute(0x30080024, "TreatmentControlPointDate", "Treatment Control Point Date", "D"),
    Attribute(0x30080025, "TreatmentControlPointTime", "Treatment Control Point Time", "D"),
    Attribute(0x30080054, "FirstTreatmentDate", "First Treatment Date", "X/D"),
    Attribute(0x30080056, "MostRecentTreatmentDate", "Most Recent Treatment Date", "X/D"),
    Attribute(0x30080105, "SourceSerialNumber", "Source Serial Number", "X/Z"),
    Attribute(0x30080162, "SafePositionExitDate", "Safe Position Exit Date", "D"),
    Attribute(0x30080164, "SafePositionExitTime", "Safe Position Exit Time", "D"),
    Attribute(0x30080166, "SafePositionReturnDate", "Safe Position Return Date", "D"),
    Attribute(0x30080168, "SafePositionReturnTime", "Safe Position Return Time", "D"),
    Attribute(0x30080250, "TreatmentDate", "Treatment Date", "X/D"),
    Attribute(0x30080251, "TreatmentTime", "Treatment Time", "X/D"),
    Attribute(0x300A0002, "RTPlanLabel", "RT Plan Label", "D", clean_descriptors="C"),
    Attribute(0x300A0003, "RTPlanName", "RT Plan Name", "X", clean_descriptors="C"),
    Attribute(0x300A0004, "RTPlanDescription", "RT Plan Description", "X", clean_descriptors="C"),
    Attribute(0x300A0006, "RTPlanDate", "RT Plan Date", "X/D"),
    Attribute(0x300A0007, "RTPlanTime", "RT Plan Time", "X/D"),
    Attribute(0x300A000B, "TreatmentSites", "Treatment Sites", "X"),
    Attribute(
        0x300A000E,
        "PrescriptionDescription",
        "Prescription Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x300A0013, "DoseReferenceUID", "Dose Reference UID", "U"),
    Attribute(
        0x300A0016,
        "DoseReferenceDescription",
        "Dose Reference Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A0072,
        "FractionGroupDescription",
        "Fraction Group Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x300A0083, "ReferencedDoseReferenceUID", "Referenced Dose Reference UID", "U"),
    Attribute(0x300A00B2, "TreatmentMachineName", "Treatment Machine Name", "X/Z"),
    Attribute(0x300A00C3, "BeamDescription", "Beam Description", "X", clean_descriptors="C"),
    Attribute(0x300A00DD, "BolusDescription", "Bolus Description", "X", clean_descriptors="C"),
    Attribute(
        0x300A0196,
        "FixationDeviceDescription",
        "Fixation Device Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A01A6,
        "ShieldingDeviceDescription",
        "Shielding Device Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A01B2,
        "SetupTechniqueDescription",
        "Setup Technique Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x300A0216, "SourceManufacturer", "Source Manufacturer", "X"),
    Attribute(0x300A022C, "SourceStrengthReferenceDate", "Source Strength Reference Date", "D"),
    Attribute(0x300A022E, "SourceStrengthReferenceTime", "Source Strength Reference Time", "D"),
    Attribute(
        0x300A02EB, "CompensatorDescription", "Compensator Description", "X", clean_descriptors="C"
    ),
    Attribute(
        0x300A0608,
        "TreatmentPositionGroupLabel",
        "Treatment Position Group Label",
        "D",
        clean_descriptors="C",
    ),
    Attribute(0x300A0609, "TreatmentPositionGroupUID", "Treatment Position Group UID", "U"),
    Attribute(0x300A0611, "RTAccessoryHolderSlotID", "RT Accessory Holder Slot ID", "Z"),
    Attribute(0x300A0615, "RTAccessoryDeviceSlotID", "RT Accessory Device Slot ID", "Z"),
    Attribute(
        0x300A0619,
        "RadiationDoseIdentificationLabel",
        "Radiation Dose Identification Label",
        "D",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A0623,
        "RadiationDoseInVivoMeasurementLabel",
        "Radiation Dose In-Vivo Measurement Label",
        "D",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A062A, "RTToleranceSetLabel", "RT Tolerance Set Label", "D", clean_descriptors="C"
    ),
    Attribute(0x300A0650, "PatientSetupUID", "Patient Setup UID", "U"),
    Attribute(
        0x300A0676,
        "EquipmentFrameOfReferenceDescription",
        "Equipment Frame of Reference Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A067C,
        "RadiationGenerationModeLabel",
        "Radiation GenerationMode Label",
        "D",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A067D,
        "RadiationGenerationModeDescription",
        "Radiation GenerationMode Description",
        "Z",
        clean_descriptors="C",
    ),
    Attribute(0x300A0700, "TreatmentSessionUID", "Treatment Session UID", "U"),
    Attribute(
        0x300A0734,
        "TreatmentToleranceViolationDescription",
        "Treatment Tolerance Violation Description",
        "D",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A0736,
        "TreatmentToleranceViolationDateTime",
        "Treatment Tolerance Violation DateTime",
        "D",
    ),
    Attribute(
        0x300A073A, "RecordedRTControlPointDateTime", "Recorded RT Control Point DateTime", "D"
    ),
    Attribute(0x300A0741, "InterlockDateTime", "Interlock DateTime", "D"),
    Attribute(
        0x300A0742, "InterlockDescription", "Interlock Description", "D", clean_descriptors="C"
    ),
    Attribute(0x300A0760, "OverrideDateTime", "Override DateTime", "D"),
    Attribute(
        0x300A0783,
        "InterlockOriginDescription",
        "Interlock Origin Description",
        "D",
        clean_descriptors="C",
    ),
    Attribute(
        0x300A0785,
        "ReferencedTreatmentPositionGroupUID",
        "Referenced Treatment Position Group UID",
        "U",
    ),
    Attribute(
        0x300A078E,
        "PatientTreatmentPreparationProcedureParameterDescription",
        "Patient Treatment Preparation Procedure Parameter Description",
        "X",
    ),
    Attribute(
        0x300A0792,
        "PatientTreatmentPreparationMethodDescription",
        "Patient Treatment Preparation Method Description",
        "X",
    ),
    Attribute(0x300A0794, "PatientSetupPhotoDescription", "Patient Setup Photo Description", "X"),
    Attribute(0x300A079A, "DisplacementReferenceLabel", "Displacement Reference Label", "X"),
    Attribute(
        0x300C0113,
        "ReasonForOmissionDescription",
        "Reason for Omission Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x300C0127, "BeamHoldTransitionDateTime", "Beam Hold Transition DateTime", "D"),
    Attribute(0x300E0004, "ReviewDate", "Review Date", "Z"),
    Attribute(0x300E0005, "ReviewTime", "Review Time", "Z"),
    Attribute(0x300E0008, "ReviewerName", "Reviewer Name", "X/Z"),
    Attribute(0x30100006, "ConceptualVolumeUID", "Conceptual Volume UID", "U"),
    Attribute(0x3010000B, "ReferencedConceptualVolumeUID", "Referenced Conceptual Volume UID", "U"),
    Attribute(
        0x3010000F,
        "ConceptualVolumeCombinationDescription",
        "Conceptual Volume Combination Description",
        "Z",
        clean_descriptors="C",
    ),
    Attribute(
        0x30100013, "ConstituentConceptualVolumeUID", "Constituent Conceptual Volume UID", "U"
    ),
    Attribute(0x30100015, "SourceConceptualVolumeUID", "Source Conceptual Volume UID", "U"),
    Attribute(
        0x30100017,
        "ConceptualVolumeDescription",
        "Conceptual Volume Description",
        "Z",
        clean_descriptors="C",
    ),
    Attribute(0x3010001B, "DeviceAlternateIdentifier", "Device Alternate Identifier", "Z"),
    Attribute(0x3010002D, "DeviceLabel", "Device Label", "D"),
    Attribute(0x30100031, "ReferencedFiducialsUID", "Referenced Fiducials UID", "U"),
    Attribute(0x30100033, "UserContentLabel", "User Content Label", "D", clean_descriptors="C"),
    Attribute(
        0x30100034, "UserContentLongLabel", "User Content Long Label", "D", clean_descriptors="C"
    ),
    Attribute(0x30100035, "EntityLabel", "Entity Label", "D", clean_descriptors="C"),
    Attribute(0x30100036, "EntityName", "Entity Name", "X", clean_descriptors="C"),
    Attribute(0x30100037, "EntityDescription", "Entity Description", "X", clean_descriptors="C"),
    Attribute(0x30100038, "EntityLongLabel", "Entity Long Label", "D", clean_descriptors="C"),
    Attribute(0x3010003B, "RTTreatmentPhaseUID", "RT Treatment Phase UID", "U"),
    Attribute(0x30100043, "ManufacturerDeviceIdentifier", "Manufacturer's Device Identifier", "Z"),
    Attribute(0x3010004C, "IntendedPhaseStartDate", "Intended Phase Start Date", "X/D"),
    Attribute(0x3010004D, "IntendedPhaseEndDate", "Intended Phase End Date", "X/D"),
    Attribute(
        0x30100054, "RTPrescriptionLabel", "RT Prescription Label", "D", clean_descriptors="C"
    ),
    Attribute(
        0x30100056,
        "RTTreatmentApproachLabel",
        "RT Treatment Approach Label",
        "X/D",
        clean_descriptors="C",
    ),
    Attribute(
        0x3010005A,
        "RTPhysicianIntentNarrative",
        "RT Physician Intent Narrative",
        "Z",
        clean_descriptors="C",
    ),
    Attribute(
        0x3010005C, "ReasonForSuperseding", "Reason for Superseding", "Z", clean_descriptors="C"
    ),
    Attribute(
        0x30100061,
        "PriorTreatmentDoseDescription",
        "Prior Treatment Dose Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(0x3010006E, "DosimetricObjectiveUID", "Dosimetric Objective UID", "U"),
    Attribute(
        0x3010006F, "ReferencedDosimetricObjectiveUID", "Referenced Dosimetric Objective UID", "U"
    ),
    Attribute(0x30100077, "TreatmentSite", "Treatment Site", "X/D", clean_descriptors="C"),
    Attribute(
        0x3010007A,
        "TreatmentTechniqueNotes",
        "Treatment Technique Notes",
        "Z",
        clean_descriptors="C",
    ),
    Attribute(0x3010007B, "PrescriptionNotes", "Prescription Notes", "Z", clean_descriptors="C"),
    Attribute(0x3010007F, "FractionationNotes", "Fractionation Notes", "Z", clean_descriptors="C"),
    Attribute(
        0x30100081,
        "PrescriptionNotesSequence",
        "Prescription Notes Sequence",
        "Z",
        clean_descriptors="C",
    ),
    Attribute(0x30100085, "IntendedFractionStartTime", "Intended Fraction Start Time", "X"),
    Attribute(0x40000010, "Arbitrary", "Arbitrary", "X"),
    Attribute(0x40004000, "TextComments", "Text Comments", "X"),
    Attribute(0x40080040, "ResultsID", "Results ID", "X"),
    Attribute(0x40080042, "ResultsIDIssuer", "Results ID Issuer", "X"),
    Attribute(0x40080100, "InterpretationRecordedDate", "Interpretation Recorded Date", "X"),
    Attribute(0x40080101, "InterpretationRecordedTime", "Interpretation Recorded Time", "X"),
    Attribute(0x40080102, "InterpretationRecorder", "Interpretation Recorder", "X"),
    Attribute(
        0x40080108, "InterpretationTranscriptionDate", "Interpretation Transcription Date", "X"
    ),
    Attribute(
        0x40080109, "InterpretationTranscriptionTime", "Interpretation Transcription Time", "X"
    ),
    Attribute(0x4008010A, "InterpretationTranscriber", "Interpretation Transcriber", "X"),
    Attribute(0x4008010B, "InterpretationText", "Interpretation Text", "X", clean_descriptors="C"),
    Attribute(0x4008010C, "InterpretationAuthor", "Interpretation Author", "X"),
    Attribute(
        0x40080111, "InterpretationApproverSequence", "Interpretation Approver Sequence", "X"
    ),
    Attribute(0x40080112, "InterpretationApprovalDate", "Interpretation Approval Date", "X"),
    Attribute(0x40080113, "InterpretationApprovalTime", "Interpretation Approval Time", "X"),
    Attribute(
        0x40080114, "PhysicianApprovingInterpretation", "Physician Approving Interpretation", "X"
    ),
    Attribute(
        0x40080115,
        "InterpretationDiagnosisDescription",
        "Interpretation Diagnosis Description",
        "X",
        clean_descriptors="C",
    ),
    Attribute(
        0x40080118, "ResultsDistributionListSequence", "Results Distribution List Sequence", "X"
    ),
    Attribute(0x40080119, "DistributionName", "Distribution Name", "X"),
    Attribute(0x4008011A, "DistributionAddress", "Distribution Address", "X"),
    Attribute(0x40080200, "InterpretationID", "Interpretation ID", "X"),
    Attribute(0x40080202, "InterpretationIDIssuer", "Interpretation ID Issuer", "X"),
    Attribute(0x40080300, "Impressions", "Impressions", "X", clean_descriptors="C"),
    Attribute(0x40084000, "ResultsComments", "Results Comments", "X", clean_descriptors="C"),
    Attribute(0xFFFAFFFA, "DigitalSignaturesSequence", "Digital Signatures Sequence", "X"),
    Attribute(0xFFFCFFFC, "DataSetTrailingPadding", "Data Set Trailing Padding", "X"),
)

BY_TAG: dict[int, Attribute] = {attribute.tag: attribute for attribute in ATTRIBUTES}

# Clean Descriptors Option: PS3.15 asks for descriptors to be replaced "with values of similar
# meaning known not to contain identifying information". A descriptor is kept only when every
# word of it is in this vocabulary of modality, anatomy, technique and orientation terms, or is
# a number of at most two digits (optionally in mm). Anything else, such as a name, a date or an
# accession number typed into a series description, empties it. Words are compared upper case.
_DESCRIPTOR_VOCABULARY = """
    ABD ABDO ABDOMEN ABDOMINAL ACQ ACQUISITION ADC AND ANGIO ANGIOGRAM ANGIOGRAPHY ANKLE AORTA
    AORTIC AP APPENDIX ARM ART ARTERIAL ASL AX AXI AXIAL BH BILAT BILATERAL BLADDER BODY BONE BONES
    BOWEL BRAIN BREAST BREASTS BW C CALCIUM CARDIAC CAROTID CAROTIDS CC CERVICAL CHEST CINE CISS
    COL COLON COLOR COMBINED CONTRAST COR CORONAL CORONARY CR CSPINE CT CTA CTV CUBE DAT DECUB
    DECUBITUS DELAY DELAYED DIFFUSION DIXON DOPPLER DOSE DTI DUAL DWI DX DYN DYNAMIC EARLY ELBOW
    ENERGY ENHANCED EPI EQUILIBRIUM ERECT EXAM EXP EXPIRATION EXPIRATORY EXTREMITY FACE FACIAL FAT
    FB FEMUR FIESTA FL FLAIR FLUORO FOOT FOREARM FRONTAL FS FSE FULL FUSION GAD GADO GRE HAND HASTE
    HEAD HEART HIGH HIP HIPS HR HRCT HUMERUS IAC IMAGE IMAGES IN INSP INSPIRATION INSPIRATORY IR IV
    KIDNEY KIDNEYS KNEE KUB L LAT LATE LATERAL LEFT LEG LIVER LM LOCALISER LOCALIZER LONG LOW LOWER
    LSPINE LT LUMBAR LUNG LUNGS MAMMO MAMMOGRAM MANDIBLE MAXILLOFACIAL MEDIASTINUM MIP ML MLO MM
    MPR MPRAGE MR MRA MRCP MRI MRV MULTIPHASE NECK NEPHRO NM NO NON NONCON NONCONTRAST O OBL
    OBLIQUE OF OPP ORAL ORBIT ORBITS OUT OVARIES OVARY PA PANCREAS PD PE PELVIS PERFUSION PET PHASE
    PITUITARY PLAIN PORTABLE PORTAL POST PRE PRONE PROSTATE PROTOCOL PULMONARY R RAY RECON
    RECONSTRUCTION REFORMAT RENAL RES RESOLUTION RIB RIBS RIGHT ROUTINE RT SAG SAGITTAL SAT SCAN
    SCOUT SCREENING SE SECTION SELLA SERIES SHORT SHOULDER SINUS SINUSES SKULL SLICE SLICES SMOOTH
    SOFT SPACE SPECT SPINE SPIR SPLEEN STANDARD STD STIR STUDY SUB SUPINE SURVEY SWI T1 T2 TEMPORAL
    THICK THIN THORACIC THORAX THYROID TIBIA TISSUE TOF TOMO TOMOSYNTHESIS TOPOGRAM TRA TRANS
    TRANSVERSE TRUFI TSE TSPINE UPPER UPRIGHT URETERS US UTERUS VENOUS VESSEL VESSELS VIBE VIEW
    VIEWS VOL VOLUME VR W WATER WB WHOLE WINDOW WITH WITHOUT WO WRIST XR
"""
DESCRIPTOR_WORDS: frozenset[str] = frozenset(_DESCRIPTOR_VOCABULARY.split())
