"""Synthetic teaching cases: plausible radiology content for demos, load tests and benchmarks.

Every case is built from a diagnosis below (its systems, usual modalities, age range, findings,
differentials and tags), varied by a seeded random generator, so the same seed gives the same
cases. Nothing here is a real patient; every case carries the tag `synthetic`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

SYNTHETIC_TAG = "synthetic"


@dataclass(frozen=True)
class Diagnosis:
    name: str
    systems: tuple[str, ...]
    modalities: tuple[str, ...]
    ages: tuple[int, int]
    regions: tuple[str, ...]
    symptoms: tuple[str, ...]
    findings: tuple[str, ...]
    differentials: tuple[str, ...]
    tags: tuple[str, ...]
    teaching: tuple[str, ...]
    sex: str = ""  # "female" or "male" when the diagnosis is (nearly) limited to one


DIAGNOSES = [
    Diagnosis(
        "Osteosarcoma",
        ("musculoskeletal", "oncology"),
        ("XR", "MR", "CT", "NM"),
        (10, 25),
        ("distal femur", "proximal tibia", "proximal humerus"),
        ("knee pain worse at night", "a painful swelling above the knee", "a limp"),
        (
            "an aggressive metaphyseal lesion with mixed lysis and sclerosis",
            "a sunburst periosteal reaction and a Codman triangle",
            "a large soft-tissue mass with osteoid matrix",
            "marrow oedema extending into the diaphysis without skip lesions",
        ),
        ("Ewing sarcoma", "Osteomyelitis", "Giant cell tumour", "Chondrosarcoma"),
        ("bone tumour", "sarcoma", "periosteal reaction"),
        (
            "An aggressive periosteal reaction in a metaphysis of an adolescent is osteosarcoma "
            "until proven otherwise.",
            "Image the whole bone on MRI to find skip metastases.",
        ),
    ),
    Diagnosis(
        "Ewing sarcoma",
        ("musculoskeletal", "oncology", "paediatric"),
        ("XR", "MR", "CT"),
        (5, 25),
        ("femoral diaphysis", "pelvis", "fibula"),
        ("pain and fever", "a tender swelling of the thigh"),
        (
            "a permeative diaphyseal lesion with a lamellated onion-skin periosteal reaction",
            "a large soft-tissue component out of proportion to the bone destruction",
        ),
        ("Osteomyelitis", "Langerhans cell histiocytosis", "Lymphoma of bone"),
        ("bone tumour", "sarcoma", "small round blue cell tumour"),
        ("A permeative diaphyseal lesion with a big soft-tissue mass suggests Ewing sarcoma.",),
    ),
    Diagnosis(
        "Osteoid osteoma",
        ("musculoskeletal",),
        ("XR", "CT", "MR", "NM"),
        (8, 30),
        ("femoral neck", "tibial cortex", "posterior elements of the spine"),
        ("night pain relieved by aspirin", "a painful scoliosis"),
        (
            "a lucent cortical nidus under 1.5 cm with surrounding sclerosis",
            "a central mineralised nidus on CT",
            "extensive bone marrow oedema disproportionate to the nidus",
        ),
        ("Brodie abscess", "Stress fracture", "Osteoblastoma"),
        ("bone tumour", "nidus", "radiofrequency ablation"),
        ("Thin-section CT finds the nidus that MRI oedema may hide.",),
    ),
    Diagnosis(
        "Giant cell tumour of bone",
        ("musculoskeletal", "oncology"),
        ("XR", "MR", "CT"),
        (20, 45),
        ("distal radius", "distal femur", "proximal tibia"),
        ("wrist pain and swelling", "knee pain after minor trauma"),
        (
            "an eccentric lytic epiphyseal lesion extending to the subchondral bone",
            "a non-sclerotic narrow zone of transition",
            "fluid-fluid levels from secondary aneurysmal bone cyst change",
        ),
        ("Aneurysmal bone cyst", "Chondroblastoma", "Brown tumour"),
        ("bone tumour", "epiphysis"),
        ("A lytic lesion reaching the articular surface in a mature skeleton suggests GCT.",),
    ),
    Diagnosis(
        "Scaphoid fracture",
        ("musculoskeletal", "trauma"),
        ("XR", "CT", "MR"),
        (15, 40),
        ("scaphoid waist", "proximal pole of the scaphoid"),
        ("a fall on the outstretched hand", "anatomical snuffbox tenderness"),
        (
            "a subtle lucent line through the scaphoid waist",
            "a non-displaced fracture seen only on the scaphoid views",
            "marrow oedema and a low-signal fracture line on MRI",
        ),
        ("Scapholunate ligament tear", "Distal radius fracture", "Bone contusion"),
        ("fracture", "wrist", "avascular necrosis"),
        ("Occult scaphoid fractures are common: MRI or CT when radiographs are normal.",),
    ),
    Diagnosis(
        "Slipped capital femoral epiphysis",
        ("musculoskeletal", "paediatric"),
        ("XR", "MR"),
        (10, 16),
        ("left hip", "right hip"),
        ("a limp and knee pain", "hip pain after sport"),
        (
            "posteromedial slip of the femoral epiphysis with a widened physis",
            "Klein's line failing to intersect the epiphysis",
        ),
        ("Perthes disease", "Septic arthritis", "Transient synovitis"),
        ("hip", "physis", "frog-leg lateral"),
        ("Knee pain in an adolescent may come from the hip.",),
    ),
    Diagnosis(
        "Calcific tendinitis",
        ("musculoskeletal",),
        ("XR", "US", "MR", "CT"),
        (35, 65),
        ("supraspinatus tendon", "gluteus maximus insertion", "longus colli"),
        ("acute shoulder pain", "buttock pain without trauma"),
        (
            "amorphous calcific deposits in the tendon",
            "cortical erosion beneath the calcification",
            "surrounding soft-tissue oedema on MRI",
        ),
        ("Tumoral calcinosis", "Myositis ossificans", "Avulsion fracture"),
        ("calcium hydroxyapatite", "tendon", "barbotage"),
        ("Calcific tendinitis with cortical erosion can mimic a tumour.",),
    ),
    Diagnosis(
        "Anterior cruciate ligament tear",
        ("musculoskeletal", "trauma"),
        ("MR", "XR"),
        (16, 45),
        ("right knee", "left knee"),
        ("a pivoting injury with a pop and swelling", "knee instability"),
        (
            "discontinuity of the anterior cruciate ligament fibres",
            "kissing bone contusions of the lateral femoral condyle and posterior tibia",
            "a Segond fracture of the lateral tibial plateau",
        ),
        ("Mucoid degeneration of the ACL", "Partial ACL tear"),
        ("knee", "ligament", "sports injury"),
        ("Look for the pivot-shift bone bruise pattern.",),
    ),
    Diagnosis(
        "Tension pneumothorax",
        ("chest", "trauma"),
        ("XR", "CT"),
        (18, 80),
        ("right hemithorax", "left hemithorax"),
        ("sudden dyspnoea after a fall", "hypotension after central line insertion"),
        (
            "a large pneumothorax with mediastinal shift to the opposite side",
            "depression of the hemidiaphragm and widened intercostal spaces",
            "a deep sulcus sign on the supine radiograph",
        ),
        ("Bullous emphysema", "Skin fold"),
        ("pneumothorax", "emergency", "chest drain"),
        ("Tension pneumothorax is a clinical diagnosis: do not wait for the radiograph.",),
    ),
    Diagnosis(
        "Pulmonary embolism",
        ("chest", "vascular"),
        ("CT", "NM", "US"),
        (25, 85),
        ("right lower lobe arteries", "main pulmonary arteries"),
        ("pleuritic chest pain and breathlessness", "haemoptysis after long-haul travel"),
        (
            "filling defects in the segmental pulmonary arteries",
            "a saddle embolus at the bifurcation",
            "right ventricular dilatation with an RV to LV ratio above 1",
            "a wedge-shaped peripheral opacity from infarction",
        ),
        ("Mixing artefact", "Pulmonary artery sarcoma"),
        ("embolism", "CT pulmonary angiography", "right heart strain"),
        ("Report right heart strain: it changes management.",),
    ),
    Diagnosis(
        "Community-acquired pneumonia",
        ("chest",),
        ("XR", "CT"),
        (20, 90),
        ("right lower lobe", "lingula", "left upper lobe"),
        ("fever, cough and crackles", "productive cough for five days"),
        (
            "lobar consolidation with air bronchograms",
            "a small parapneumonic effusion",
            "patchy ground-glass opacities",
        ),
        ("Organising pneumonia", "Lung adenocarcinoma", "Pulmonary infarct"),
        ("consolidation", "infection", "air bronchogram"),
        ("Follow consolidation in smokers to resolution to exclude an underlying tumour.",),
    ),
    Diagnosis(
        "Sarcoidosis",
        ("chest",),
        ("XR", "CT", "PT"),
        (25, 55),
        ("hila", "upper lobes"),
        ("cough and erythema nodosum", "incidental hilar enlargement"),
        (
            "symmetrical bilateral hilar and right paratracheal lymphadenopathy",
            "perilymphatic nodules along the fissures and bronchovascular bundles",
            "upper-lobe predominant fibrosis",
        ),
        ("Lymphoma", "Tuberculosis", "Silicosis"),
        ("granulomatous disease", "lymphadenopathy", "perilymphatic nodules"),
        ("Perilymphatic nodules with symmetrical hilar nodes suggest sarcoidosis.",),
    ),
    Diagnosis(
        "Idiopathic pulmonary fibrosis",
        ("chest",),
        ("CT", "XR"),
        (55, 85),
        ("lung bases", "subpleural lungs"),
        ("progressive breathlessness and dry cough", "finger clubbing"),
        (
            "basal subpleural honeycombing with traction bronchiectasis",
            "a usual interstitial pneumonia pattern",
            "reticulation without ground-glass predominance",
        ),
        ("Fibrotic NSIP", "Chronic hypersensitivity pneumonitis", "Asbestosis"),
        ("interstitial lung disease", "UIP", "honeycombing"),
        ("Honeycombing with basal subpleural predominance is typical UIP.",),
    ),
    Diagnosis(
        "Lung adenocarcinoma",
        ("chest", "oncology"),
        ("CT", "PT", "XR"),
        (45, 85),
        ("right upper lobe", "left lower lobe"),
        ("weight loss and haemoptysis", "an incidental nodule"),
        (
            "a spiculated part-solid nodule",
            "an FDG-avid mass with ipsilateral mediastinal nodes",
            "pleural retraction adjacent to the tumour",
        ),
        ("Organising pneumonia", "Granuloma", "Carcinoid tumour"),
        ("lung cancer", "nodule", "staging"),
        ("A growing ground-glass nodule is an adenocarcinoma spectrum lesion.",),
    ),
    Diagnosis(
        "Acute appendicitis",
        ("abdominal", "paediatric"),
        ("US", "CT", "MR"),
        (6, 45),
        ("right iliac fossa", "retrocaecal appendix"),
        ("right iliac fossa pain and vomiting", "periumbilical pain migrating to the right"),
        (
            "a non-compressible appendix over 6 mm with periappendiceal fat stranding",
            "an obstructing appendicolith",
            "a periappendiceal abscess",
        ),
        ("Mesenteric adenitis", "Terminal ileitis", "Ovarian torsion"),
        ("appendix", "acute abdomen", "appendicolith"),
        ("Ultrasound first in children and pregnancy; MRI when it is inconclusive.",),
    ),
    Diagnosis(
        "Acute cholecystitis",
        ("abdominal",),
        ("US", "CT", "NM"),
        (30, 80),
        ("gallbladder",),
        ("right upper quadrant pain and fever", "a positive Murphy sign"),
        (
            "gallstones with gallbladder wall thickening and pericholecystic fluid",
            "a sonographic Murphy sign",
            "an impacted stone in the gallbladder neck",
        ),
        ("Adenomyomatosis", "Hepatitis with wall oedema", "Gallbladder carcinoma"),
        ("gallstones", "acute abdomen", "biliary"),
        ("Wall thickening alone is non-specific: look for stones and a sonographic Murphy.",),
    ),
    Diagnosis(
        "Hepatocellular carcinoma",
        ("abdominal", "oncology"),
        ("CT", "MR", "US"),
        (50, 80),
        ("segment 8 of the liver", "right hepatic lobe"),
        ("a rising alpha-fetoprotein in cirrhosis", "surveillance of hepatitis B"),
        (
            "arterial phase hyperenhancement with portal venous washout",
            "an enhancing capsule",
            "tumour thrombus in the portal vein",
        ),
        ("Regenerative nodule", "Intrahepatic cholangiocarcinoma", "Flash-filling haemangioma"),
        ("liver", "LI-RADS", "cirrhosis"),
        ("Washout and a capsule in a cirrhotic liver make LI-RADS 5.",),
    ),
    Diagnosis(
        "Small bowel obstruction",
        ("abdominal",),
        ("XR", "CT"),
        (30, 90),
        ("distal ileum", "jejunum"),
        ("colicky pain, distension and vomiting", "previous laparotomy"),
        (
            "dilated fluid-filled small bowel loops with a transition point",
            "collapsed distal bowel and colon",
            "the small bowel faeces sign",
            "reduced wall enhancement suggesting ischaemia",
        ),
        ("Paralytic ileus", "Internal hernia", "Crohn stricture"),
        ("bowel obstruction", "adhesions", "acute abdomen"),
        ("Find the transition point and report any sign of strangulation.",),
    ),
    Diagnosis(
        "Crohn disease",
        ("abdominal",),
        ("MR", "CT", "US"),
        (15, 45),
        ("terminal ileum", "neoterminal ileum"),
        ("diarrhoea, weight loss and right iliac fossa pain",),
        (
            "mural thickening and mural hyperenhancement of the terminal ileum",
            "the comb sign and fibrofatty proliferation",
            "a blind-ending sinus tract",
        ),
        ("Infectious ileitis", "Lymphoma", "Tuberculosis"),
        ("inflammatory bowel disease", "MR enterography"),
        ("Report active inflammation, strictures and penetrating disease separately.",),
    ),
    Diagnosis(
        "Renal cell carcinoma",
        ("genitourinary", "oncology"),
        ("CT", "MR", "US"),
        (45, 80),
        ("left kidney", "right kidney upper pole"),
        ("painless haematuria", "an incidental renal mass"),
        (
            "a heterogeneously enhancing exophytic renal mass",
            "tumour extension into the renal vein",
            "a Bosniak IV complex cystic lesion",
        ),
        ("Oncocytoma", "Fat-poor angiomyolipoma", "Renal lymphoma"),
        ("kidney", "renal mass", "Bosniak"),
        ("A solid enhancing renal mass without fat is a carcinoma until proven otherwise.",),
    ),
    Diagnosis(
        "Ovarian torsion",
        ("genitourinary", "obstetric"),
        ("US", "MR", "CT"),
        (8, 40),
        ("right ovary", "left ovary"),
        ("sudden pelvic pain with vomiting",),
        (
            "an enlarged oedematous ovary with peripheral follicles",
            "a twisted vascular pedicle (whirlpool sign)",
            "absent venous flow on Doppler",
        ),
        ("Haemorrhagic cyst", "Tubo-ovarian abscess", "Ectopic pregnancy"),
        ("ovary", "gynaecology", "emergency"),
        ("Doppler flow does not exclude torsion.",),
        sex="female",
    ),
    Diagnosis(
        "Testicular torsion",
        ("genitourinary", "paediatric"),
        ("US",),
        (10, 25),
        ("left testis", "right testis"),
        ("acute scrotal pain",),
        (
            "an enlarged heterogeneous testis without intratesticular flow",
            "a twisted spermatic cord (whirlpool sign)",
        ),
        ("Epididymo-orchitis", "Torsion of the appendix testis"),
        ("scrotum", "emergency"),
        ("Compare flow with the other testis; surgery should not wait for imaging.",),
        sex="male",
    ),
    Diagnosis(
        "Glioblastoma",
        ("neuro", "oncology"),
        ("MR", "CT", "PT"),
        (45, 80),
        ("right frontal lobe", "corpus callosum", "left temporal lobe"),
        ("new seizures", "progressive headache and confusion"),
        (
            "a ring-enhancing mass with central necrosis",
            "extensive surrounding vasogenic oedema",
            "elevated relative cerebral blood volume on perfusion",
            "crossing of the corpus callosum (butterfly glioma)",
        ),
        ("Cerebral abscess", "Metastasis", "Primary CNS lymphoma", "Tumefactive demyelination"),
        ("brain tumour", "glioma", "ring enhancement"),
        ("Restricted diffusion in the cavity suggests abscess rather than necrotic tumour.",),
    ),
    Diagnosis(
        "Meningioma",
        ("neuro", "oncology"),
        ("MR", "CT"),
        (40, 80),
        ("left convexity", "sphenoid wing", "falx"),
        ("headache", "an incidental finding"),
        (
            "an extra-axial dural-based enhancing mass with a dural tail",
            "a CSF cleft between the mass and the brain",
            "hyperostosis of the adjacent bone",
        ),
        ("Dural metastasis", "Haemangiopericytoma", "Schwannoma"),
        ("brain tumour", "extra-axial", "dural tail"),
        ("Buckling of the grey-white interface shows a mass is extra-axial.",),
        sex="female",
    ),
    Diagnosis(
        "Multiple sclerosis",
        ("neuro",),
        ("MR",),
        (20, 50),
        ("periventricular white matter", "cervical cord"),
        ("optic neuritis", "numbness of both legs"),
        (
            "ovoid periventricular lesions perpendicular to the ventricles (Dawson fingers)",
            "juxtacortical and infratentorial lesions",
            "an incomplete ring of enhancement in an active plaque",
            "the central vein sign",
        ),
        ("Small vessel disease", "Neuromyelitis optica", "ADEM"),
        ("demyelination", "white matter", "McDonald criteria"),
        ("Dissemination in space and time can be shown on one scan.",),
    ),
    Diagnosis(
        "Acute ischaemic stroke",
        ("neuro", "vascular"),
        ("CT", "MR"),
        (50, 90),
        ("left middle cerebral artery territory", "right posterior cerebral artery territory"),
        ("sudden right-sided weakness and aphasia", "acute visual field loss"),
        (
            "a hyperdense middle cerebral artery sign",
            "loss of grey-white differentiation in the insular ribbon",
            "restricted diffusion in the infarcted territory",
            "an occlusion of the M1 segment on CT angiography",
        ),
        ("Todd paresis", "Hypoglycaemia", "Cerebral venous thrombosis"),
        ("stroke", "thrombectomy", "ASPECTS"),
        ("Time is brain: report the occlusion and the ASPECTS at once.",),
    ),
    Diagnosis(
        "Subarachnoid haemorrhage",
        ("neuro", "vascular"),
        ("CT", "XA"),
        (30, 70),
        ("basal cisterns", "sylvian fissure"),
        ("thunderclap headache",),
        (
            "hyperdense blood in the basal cisterns",
            "a ruptured anterior communicating artery aneurysm on angiography",
            "early hydrocephalus",
        ),
        ("Pseudo-subarachnoid haemorrhage", "Perimesencephalic haemorrhage"),
        ("aneurysm", "haemorrhage", "emergency"),
        ("CT within six hours of a thunderclap headache is highly sensitive.",),
    ),
    Diagnosis(
        "Vestibular schwannoma",
        ("neuro", "head_neck"),
        ("MR",),
        (30, 70),
        ("right internal auditory canal", "left cerebellopontine angle"),
        ("unilateral sensorineural hearing loss", "tinnitus"),
        (
            "an enhancing mass widening the internal auditory canal",
            "an ice-cream-cone shaped cerebellopontine angle mass",
        ),
        ("Meningioma", "Epidermoid cyst"),
        ("cerebellopontine angle", "hearing loss"),
        ("Asymmetric hearing loss deserves an MRI of the internal auditory canals.",),
    ),
    Diagnosis(
        "Medulloblastoma",
        ("neuro", "paediatric", "oncology"),
        ("MR", "CT"),
        (3, 12),
        ("fourth ventricle", "cerebellar vermis"),
        ("morning vomiting and ataxia",),
        (
            "a hyperdense midline posterior fossa mass",
            "restricted diffusion in the solid tumour",
            "obstructive hydrocephalus",
            "leptomeningeal drop metastases",
        ),
        ("Ependymoma", "Pilocytic astrocytoma", "ATRT"),
        ("posterior fossa", "brain tumour"),
        ("Image the whole neuraxis before surgery.",),
    ),
    Diagnosis(
        "Aortic dissection",
        ("cardiac", "vascular"),
        ("CT", "MR", "US"),
        (45, 85),
        ("ascending aorta", "descending thoracic aorta"),
        ("tearing chest pain radiating to the back", "unequal arm blood pressures"),
        (
            "an intimal flap separating a true and a false lumen",
            "extension into the supra-aortic vessels",
            "haemopericardium",
        ),
        ("Intramural haematoma", "Penetrating atherosclerotic ulcer"),
        ("aorta", "Stanford type A", "emergency"),
        ("Involvement of the ascending aorta (Stanford A) needs surgery.",),
    ),
    Diagnosis(
        "Hypertrophic cardiomyopathy",
        ("cardiac",),
        ("MR", "US"),
        (15, 60),
        ("interventricular septum",),
        ("syncope on exertion", "a murmur in a young athlete"),
        (
            "asymmetric septal hypertrophy over 15 mm",
            "systolic anterior motion of the mitral valve",
            "patchy mid-wall late gadolinium enhancement",
        ),
        ("Athlete's heart", "Cardiac amyloidosis", "Hypertensive heart disease"),
        ("cardiomyopathy", "cardiac MRI", "sudden death"),
        ("The extent of late enhancement helps stratify the risk of sudden death.",),
    ),
    Diagnosis(
        "Invasive ductal carcinoma",
        ("breast", "oncology"),
        ("MG", "US", "MR"),
        (40, 80),
        ("upper outer quadrant of the left breast", "right breast at 10 o'clock"),
        ("a palpable lump", "a screening recall"),
        (
            "an irregular spiculated mass with pleomorphic microcalcifications",
            "a hypoechoic taller-than-wide mass with posterior shadowing",
            "an abnormal axillary lymph node",
        ),
        ("Radial scar", "Fat necrosis", "Fibroadenoma"),
        ("breast cancer", "BI-RADS", "screening"),
        ("A spiculated mass is BI-RADS 5 whatever its size.",),
        sex="female",
    ),
    Diagnosis(
        "Fibroadenoma",
        ("breast",),
        ("US", "MG"),
        (18, 40),
        ("left breast", "right breast"),
        ("a mobile painless lump",),
        (
            "an oval circumscribed wider-than-tall hypoechoic mass",
            "coarse popcorn calcification in an involuting fibroadenoma",
        ),
        ("Phyllodes tumour", "Mucinous carcinoma"),
        ("breast", "benign", "BI-RADS 3"),
        ("Rapid growth of a presumed fibroadenoma calls for biopsy.",),
        sex="female",
    ),
    Diagnosis(
        "Papillary thyroid carcinoma",
        ("head_neck", "oncology"),
        ("US", "CT", "NM"),
        (25, 65),
        ("right thyroid lobe", "thyroid isthmus"),
        ("a neck lump", "an incidental thyroid nodule"),
        (
            "a solid hypoechoic taller-than-wide nodule with microcalcifications",
            "cystic change and calcification in a cervical lymph node",
        ),
        ("Follicular adenoma", "Colloid nodule"),
        ("thyroid", "TI-RADS", "nodule"),
        ("Microcalcifications in a solid hypoechoic nodule are the most specific sign.",),
    ),
    Diagnosis(
        "Cholesteatoma",
        ("head_neck",),
        ("CT", "MR"),
        (10, 60),
        ("left middle ear", "pars flaccida"),
        ("chronic ear discharge and conductive hearing loss",),
        (
            "a soft-tissue mass in Prussak space eroding the scutum",
            "erosion of the ossicular chain",
            "restricted diffusion on non-echo-planar DWI",
        ),
        ("Cholesterol granuloma", "Granulation tissue"),
        ("middle ear", "temporal bone"),
        ("Non-EPI diffusion separates recurrent cholesteatoma from granulation tissue.",),
    ),
    Diagnosis(
        "Lumbar disc herniation",
        ("spine", "musculoskeletal"),
        ("MR", "CT"),
        (25, 60),
        ("L4-L5", "L5-S1"),
        ("sciatica down the left leg", "back pain with leg numbness"),
        (
            "a left paracentral disc extrusion compressing the traversing S1 nerve root",
            "a sequestered fragment migrating caudally",
            "preserved conus and cauda equina",
        ),
        ("Synovial cyst", "Nerve sheath tumour", "Epidural abscess"),
        ("spine", "radiculopathy", "disc"),
        ("Report the level, the side and which nerve root is compressed.",),
    ),
    Diagnosis(
        "Spondylodiscitis",
        ("spine",),
        ("MR", "CT", "NM"),
        (50, 80),
        ("L2-L3", "T10-T11"),
        ("back pain and fever", "raised inflammatory markers after a urinary infection"),
        (
            "disc T2 hyperintensity with endplate erosion of adjacent vertebrae",
            "a paraspinal and epidural abscess",
            "enhancement of the disc and both vertebral bodies",
        ),
        ("Modic type 1 change", "Metastasis", "Dialysis spondyloarthropathy"),
        ("infection", "spine", "abscess"),
        ("Disc involvement favours infection over tumour.",),
    ),
    Diagnosis(
        "Vertebral compression fracture",
        ("spine", "trauma"),
        ("XR", "CT", "MR"),
        (60, 90),
        ("L1", "T12", "T8"),
        ("sudden back pain after lifting", "height loss"),
        (
            "wedge compression of the vertebral body",
            "a fluid sign and band-like marrow oedema",
            "retropulsion of a bony fragment",
        ),
        ("Pathological fracture", "Schmorl node"),
        ("osteoporosis", "fracture", "spine"),
        ("Convex posterior border and pedicle involvement suggest a malignant fracture.",),
    ),
    Diagnosis(
        "Non-accidental injury",
        ("paediatric", "trauma"),
        ("XR", "CT", "MR"),
        (0, 2),
        ("skeleton", "brain"),
        ("an unexplained fracture", "irritability and a bulging fontanelle"),
        (
            "classic metaphyseal lesions of the distal femur",
            "posterior rib fractures of different ages",
            "subdural haematomas of different densities",
        ),
        ("Osteogenesis imperfecta", "Rickets", "Birth trauma"),
        ("child protection", "skeletal survey", "safeguarding"),
        ("Fractures of different ages without a plausible history need a skeletal survey.",),
    ),
    Diagnosis(
        "Intussusception",
        ("paediatric", "abdominal"),
        ("US", "XR", "RF"),
        (0, 3),
        ("right upper quadrant", "ileocolic region"),
        ("intermittent screaming and redcurrant jelly stool",),
        (
            "a target sign on ultrasound",
            "a pseudokidney sign",
            "successful pneumatic reduction under fluoroscopy",
        ),
        ("Gastroenteritis", "Meckel diverticulum"),
        ("bowel", "reduction", "emergency"),
        ("Ultrasound is the first test; reduction by enema if there is no perforation.",),
    ),
    Diagnosis(
        "Pyloric stenosis",
        ("paediatric", "abdominal"),
        ("US",),
        (0, 1),
        ("pylorus",),
        ("projectile non-bilious vomiting",),
        (
            "pyloric muscle thickness over 3 mm and channel length over 15 mm",
            "failure of the pylorus to open during the study",
        ),
        ("Pylorospasm", "Gastro-oesophageal reflux"),
        ("pylorus", "infant", "vomiting"),
        ("Watch the pylorus for several minutes before calling it spasm.",),
    ),
    Diagnosis(
        "Ectopic pregnancy",
        ("obstetric", "genitourinary"),
        ("US",),
        (18, 42),
        ("right adnexa", "left fallopian tube"),
        ("pelvic pain and vaginal bleeding with a positive pregnancy test",),
        (
            "an empty uterus with an adnexal tubal ring",
            "echogenic free fluid in the pouch of Douglas",
            "an extra-uterine gestational sac with a yolk sac",
        ),
        ("Corpus luteum cyst", "Early intrauterine pregnancy", "Pregnancy of unknown location"),
        ("pregnancy", "emergency", "adnexa"),
        ("An empty uterus with a positive test is ectopic until proven otherwise.",),
        sex="female",
    ),
    Diagnosis(
        "Placenta accreta spectrum",
        ("obstetric",),
        ("US", "MR"),
        (25, 42),
        ("anterior lower uterine segment",),
        ("previous caesarean sections and a low-lying placenta",),
        (
            "loss of the retroplacental clear zone",
            "placental lacunae with turbulent flow",
            "bladder wall interruption",
        ),
        ("Normal placenta praevia", "Myometrial contraction"),
        ("placenta", "pregnancy"),
        ("Previous caesarean with placenta praevia: look for accreta.",),
        sex="female",
    ),
    Diagnosis(
        "Hodgkin lymphoma",
        ("haematology", "oncology", "chest"),
        ("CT", "PT"),
        (15, 35),
        ("anterior mediastinum", "cervical nodes"),
        ("night sweats and a neck mass", "pruritus and weight loss"),
        (
            "a lobulated anterior mediastinal mass",
            "FDG-avid contiguous nodal disease",
            "a Deauville score of 2 after treatment",
        ),
        ("Thymoma", "Germ cell tumour", "Non-Hodgkin lymphoma"),
        ("lymphoma", "PET/CT", "staging"),
        ("Hodgkin lymphoma spreads to contiguous nodal groups.",),
    ),
    Diagnosis(
        "Multiple myeloma",
        ("haematology", "oncology", "musculoskeletal"),
        ("CT", "MR", "XR"),
        (55, 85),
        ("skull", "spine and pelvis"),
        ("bone pain and anaemia", "hypercalcaemia and renal failure"),
        (
            "multiple punched-out lytic lesions (pepper-pot skull)",
            "diffuse marrow infiltration on whole-body MRI",
            "a pathological vertebral fracture",
        ),
        ("Metastases", "Osteoporosis"),
        ("myeloma", "whole-body MRI", "lytic lesions"),
        ("Low-dose whole-body CT has replaced the skeletal survey.",),
    ),
    Diagnosis(
        "Deep vein thrombosis",
        ("vascular",),
        ("US", "CT"),
        (30, 90),
        ("left common femoral vein", "right popliteal vein"),
        ("a swollen painful calf", "leg swelling after surgery"),
        (
            "a non-compressible femoral vein filled with echogenic thrombus",
            "absent flow augmentation",
        ),
        ("Baker cyst rupture", "Cellulitis"),
        ("thrombosis", "Doppler"),
        ("Compression is the key: a compressible vein has no thrombus.",),
    ),
    Diagnosis(
        "Abdominal aortic aneurysm",
        ("vascular", "abdominal"),
        ("US", "CT"),
        (60, 90),
        ("infrarenal aorta",),
        ("a pulsatile abdominal mass", "screening"),
        (
            "a fusiform infrarenal aortic aneurysm of 6 cm",
            "mural thrombus",
            "a crescent sign of impending rupture",
            "retroperitoneal haematoma from rupture",
        ),
        ("Retroperitoneal fibrosis", "Lymphoma"),
        ("aneurysm", "aorta", "EVAR"),
        ("The high-attenuating crescent sign warns of impending rupture.",),
        sex="male",
    ),
    Diagnosis(
        "Uterine artery embolisation for fibroids",
        ("interventional", "genitourinary"),
        ("XA", "MR"),
        (30, 50),
        ("uterus",),
        ("heavy menstrual bleeding from fibroids",),
        (
            "multiple enhancing intramural leiomyomas",
            "bilateral uterine artery embolisation with stasis",
            "fibroid infarction on follow-up MRI",
        ),
        ("Adenomyosis", "Leiomyosarcoma"),
        ("embolisation", "fibroids", "intervention"),
        ("Enhancing fibroids on MRI predict a good response to embolisation.",),
        sex="female",
    ),
    Diagnosis(
        "Graves disease",
        ("nuclear", "head_neck"),
        ("NM", "US"),
        (20, 60),
        ("thyroid gland",),
        ("palpitations, weight loss and exophthalmos",),
        (
            "diffusely increased technetium uptake in an enlarged gland",
            "a thyroid inferno on colour Doppler",
        ),
        ("Toxic multinodular goitre", "Thyroiditis"),
        ("thyroid", "scintigraphy", "hyperthyroidism"),
        ("Diffuse uptake is Graves; low uptake with thyrotoxicosis suggests thyroiditis.",),
    ),
    Diagnosis(
        "Bone metastases from prostate cancer",
        ("nuclear", "oncology", "genitourinary"),
        ("NM", "PT", "CT", "MR"),
        (55, 90),
        ("spine", "pelvis and ribs"),
        ("a rising PSA", "back pain"),
        (
            "multiple sclerotic bone metastases",
            "a superscan with absent renal activity",
            "PSMA-avid skeletal lesions",
        ),
        ("Paget disease", "Bone islands"),
        ("prostate cancer", "bone scan", "PSMA"),
        ("A superscan can be mistaken for a normal bone scan: look at the kidneys.",),
        sex="male",
    ),
]

TITLE_PATTERNS = (
    "{name}",
    "{name}",
    "{name} of the {region}",
    "{name} presenting with {symptom}",
    "{name} in a {age_phrase}",
    "{adjective} {name_lower}",
)
ADJECTIVES = ("Classic", "Atypical", "Incidental", "Early", "Advanced", "Recurrent", "Unusual")
EXTRA_HISTORY = (
    "No relevant past medical history.",
    "Known to have type 2 diabetes.",
    "Inflammatory markers were raised.",
    "Examination was otherwise unremarkable.",
    "The symptoms had been present for three weeks.",
    "Blood tests were normal.",
    "There was no history of trauma.",
    "A previous study was reported as normal.",
)
STUDY_LABELS = {
    "XR": "Radiograph",
    "CT": "CT",
    "MR": "MRI",
    "US": "Ultrasound",
    "NM": "Scintigraphy",
    "PT": "PET/CT",
    "MG": "Mammography",
    "XA": "Angiography",
    "RF": "Fluoroscopy",
}
TIMINGS = ("At presentation", "At presentation", "Two days later", "At follow-up, 6 weeks")
DISCUSSION_OPENINGS = (
    "{name} is an important diagnosis to make on imaging.",
    "This case shows the typical appearance of {name_lower}.",
    "The imaging features here are characteristic of {name_lower}.",
    "{name} may be subtle at first and is easily overlooked.",
)
CERTAINTIES = ("certain", "certain", "almost_certain", "almost_certain", "probable", "possible")
DIFFICULTIES = ("student", "resident", "resident", "fellow", "consultant")
CERTAINTY_BASES = ("Histology", "Clinical follow-up", "Surgery", "Typical imaging features")


def _age_phrase(age: int, unit: str, sex: str) -> str:
    person = {"female": "woman", "male": "man"}.get(sex, "patient")
    if unit != "years":
        return f"{age}-{unit[:-1]}-old infant"
    if age < 18:
        person = {"female": "girl", "male": "boy"}.get(sex, "child")
    return f"{age}-year-old {person}"


@dataclass
class SyntheticCase:
    """One generated case: the Case's fields and its parts, ready for bulk_create."""

    fields: dict
    studies: list[dict]
    sections: list[dict]
    teaching_points: list[str]
    differentials: list[str]
    tags: list[str]
    systems: list[str]


def synthetic_case(rng: random.Random, *, now: datetime.datetime) -> SyntheticCase:
    diagnosis = rng.choice(DIAGNOSES)
    sex = diagnosis.sex or rng.choice(("female", "male", "female", "male", "unknown"))
    age = rng.randint(*diagnosis.ages)
    unit = "years"
    if diagnosis.ages[1] <= 1:
        age, unit = rng.randint(2, 10), "weeks"
    elif age == 0:
        age, unit = rng.randint(1, 11), "months"
    region = rng.choice(diagnosis.regions)
    symptom = rng.choice(diagnosis.symptoms)
    age_phrase = _age_phrase(age, unit, sex)
    title = rng.choice(TITLE_PATTERNS).format(
        name=diagnosis.name,
        name_lower=diagnosis.name[0].lower() + diagnosis.name[1:],
        region=region,
        symptom=symptom,
        age_phrase=age_phrase,
        adjective=rng.choice(ADJECTIVES),
    )
    findings = rng.sample(diagnosis.findings, k=min(len(diagnosis.findings), rng.randint(2, 3)))
    history = (
        f"A {age_phrase} presented with {symptom}. {rng.choice(EXTRA_HISTORY)} "
        f"Imaging of the {region} was requested."
    )
    imaging = " ".join(f"{finding[0].upper()}{finding[1:]}." for finding in findings)
    modalities = rng.sample(
        diagnosis.modalities, k=min(len(diagnosis.modalities), rng.randint(1, 3))
    )
    studies = [
        {
            "modality": modality,
            "label": f"{STUDY_LABELS[modality]} {region}",
            "timing": TIMINGS[min(position, len(TIMINGS) - 1)],
            "findings": f"{findings[position % len(findings)][0].upper()}"
            f"{findings[position % len(findings)][1:]}.",
        }
        for position, modality in enumerate(modalities)
    ]
    name_lower = diagnosis.name[0].lower() + diagnosis.name[1:]
    differentials = rng.sample(
        diagnosis.differentials, k=min(len(diagnosis.differentials), rng.randint(1, 3))
    )
    discussion = (
        rng.choice(DISCUSSION_OPENINGS).format(name=diagnosis.name, name_lower=name_lower)
        + f" It typically affects patients aged {diagnosis.ages[0]} to {diagnosis.ages[1]}, "
        f"who present with {rng.choice(diagnosis.symptoms)}. The main differential diagnoses "
        f"are {', '.join(d.lower() for d in differentials)}. " + " ".join(diagnosis.teaching)
    )
    sections = [{"kind": "discussion", "heading": "Discussion", "body": discussion}]
    if rng.random() < 0.4:
        sections.append(
            {
                "kind": "outcome",
                "heading": "Outcome",
                "body": rng.choice(
                    (
                        "The patient was treated and recovered well.",
                        "The diagnosis was confirmed at surgery.",
                        "Follow-up imaging at three months showed improvement.",
                    )
                ),
            }
        )
    published_at = now - datetime.timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
    fields = {
        "title": title[:300],
        "case_type": "clinical_case",
        "patient_age": age,
        "patient_age_unit": unit,
        "patient_sex": sex,
        "clinical_history": history,
        "imaging_findings": imaging,
        "final_diagnosis": diagnosis.name,
        "diagnostic_certainty": rng.choice(CERTAINTIES),
        "certainty_basis": rng.choice(CERTAINTY_BASES),
        "difficulty": rng.choice(DIFFICULTIES),
        "licence": "CC-BY-NC-SA-4.0",
        "consent": "not_required",
        "status": "published",
        # A few are unlisted: found by link only, never by search.
        "visibility": "unlisted" if rng.random() < 0.02 else "public",
        "published_at": published_at,
        # A long tail: most cases are read a little, a few a lot.
        "view_count": min(int(rng.paretovariate(1.3) * 4) - 4, 50_000),
    }
    teaching = list(diagnosis.teaching[: rng.randint(1, len(diagnosis.teaching))])
    return SyntheticCase(
        fields=fields,
        studies=studies,
        sections=sections,
        teaching_points=teaching,
        differentials=differentials,
        tags=[*rng.sample(diagnosis.tags, k=rng.randint(1, len(diagnosis.tags))), SYNTHETIC_TAG],
        systems=list(diagnosis.systems),
    )
